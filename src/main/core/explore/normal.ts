// The standard normal CDF and its inverse (our own: tfjs has neither on the JS side), and
// the sweep values built from them.

/** erf with |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Phi(x) = P(N(0,1) <= x) */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * Phi^-1(p) for p in (0, 1): Acklam's rational approximation (relative error 1.2e-9). No
 * Halley polish: it would pull the result toward normalCdf's own 1e-7 error.
 */
export function normalInverseCdf(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new Error(`normalInverseCdf: p must be in [0, 1], got ${p}`);
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  return x;
}

export type Spacing = 'linear' | 'normal';

/**
 * n values from a to b inclusive. 'linear': evenly spaced. 'normal': evenly spaced in
 * probability between Phi(a) and Phi(b), then through Phi^-1 (Kingma & Welling's manifold
 * figures): the ends stay at a and b, the values crowd where the prior has its mass.
 */
export function sweepValues(range: [number, number], n: number, spacing: Spacing = 'linear'): number[] {
  const [a, b] = range;
  if (!Number.isInteger(n) || n < 1) throw new Error(`sweep: the number of values must be an integer >= 1, got ${n}`);
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new Error(`sweep: range must be two finite numbers, got [${a}, ${b}]`);
  if (n === 1) return [(a + b) / 2];
  if (spacing === 'linear') return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
  const pa = normalCdf(a);
  const pb = normalCdf(b);
  return Array.from({ length: n }, (_, i) => {
    if (i === 0) return a;
    if (i === n - 1) return b;
    return normalInverseCdf(pa + ((pb - pa) * i) / (n - 1));
  });
}
