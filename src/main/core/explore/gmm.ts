// The VAE as a mixture of Gaussians. A diagonal Gaussian mixture fitted by EM to points (the
// encoded training means), to sample codes from where the data went rather than from N(0, I);
// and the aggregate posterior (the mixture of every image's q(z|x)) over a sweep window, where
// the holes the prior covers and the data does not show. Plain typed arrays, sums in doubles.
import { deriveSeed, Rng } from '../model/rng.js';

export interface Gmm {
  k: number;
  d: number;
  /** [k] mixing weights, summing to 1 */
  weights: number[];
  /** [k * d] component means, row-major */
  means: Float64Array;
  /** [k * d] component variances (diagonal), row-major */
  variances: Float64Array;
  /** mean log-likelihood of the points per point, nats, at the last iteration */
  logLikelihood: number;
  iterations: number;
}

export interface GmmOptions {
  k: number;
  seed: number;
  /** EM iterations at most (default 100) */
  maxIter?: number;
  /** stop when the mean log-likelihood gains less than this (default 1e-5) */
  tol?: number;
}

const LOG_2PI = Math.log(2 * Math.PI);
/** a variance never shrinks below this share of the data's own (a component on one point) */
const VAR_FLOOR = 1e-4;

/** log sum exp of the first n values */
function logSumExp(v: Float64Array, n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (v[i]! > m) m = v[i]!;
  if (m === -Infinity) return m;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(v[i]! - m);
  return m + Math.log(s);
}

/** log N(x; mean_j, diag var_j) for point i */
function logGauss(x: Float32Array, i: number, g: Pick<Gmm, 'd' | 'means' | 'variances'>, j: number): number {
  let s = 0;
  for (let c = 0; c < g.d; c++) {
    const v = g.variances[j * g.d + c]!;
    const e = x[i * g.d + c]! - g.means[j * g.d + c]!;
    s += (e * e) / v + Math.log(v) + LOG_2PI;
  }
  return -0.5 * s;
}

/** k-means++ seeding: each next centre drawn with probability proportional to its squared distance */
function seedMeans(x: Float32Array, n: number, d: number, k: number, rng: Rng): Float64Array {
  const means = new Float64Array(k * d);
  const dist = new Float64Array(n).fill(Infinity);
  let pick = Math.min(n - 1, Math.floor(rng.uniform() * n));
  for (let j = 0; j < k; j++) {
    for (let c = 0; c < d; c++) means[j * d + c] = x[pick * d + c]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (x[i * d + c]! - means[j * d + c]!) ** 2;
      dist[i] = Math.min(dist[i]!, s);
      total += dist[i]!;
    }
    let u = rng.uniform() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      u -= dist[i]!;
      if (u <= 0) {
        pick = i;
        break;
      }
    }
  }
  return means;
}

/**
 * Fits a k-component diagonal Gaussian mixture to n points x [n * d] by EM, from a k-means++
 * start drawn with the seed (the same seed, the same fit).
 */
export function fitGmm(x: Float32Array, n: number, d: number, opts: GmmOptions): Gmm {
  const { k, seed } = opts;
  if (!Number.isInteger(d) || d < 1) throw new Error(`explore.fitGmm: d must be an integer >= 1, got ${d}`);
  if (x.length !== n * d) throw new Error(`explore.fitGmm: x holds ${x.length} numbers, not n * d = ${n * d}`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`explore.fitGmm: k must be an integer 1..n (${n} points), got ${k}`);
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-5;
  // the data's own variance per dimension: the start of every component and the floor's scale
  const dataVar = new Float64Array(d);
  const dataMean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) dataMean[c]! += x[i * d + c]! / n;
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) dataVar[c]! += (x[i * d + c]! - dataMean[c]!) ** 2 / n;
  const floor = Array.from(dataVar, (v) => Math.max(v * VAR_FLOOR, 1e-8));
  const g: Gmm = {
    k,
    d,
    weights: new Array<number>(k).fill(1 / k),
    means: seedMeans(x, n, d, k, new Rng(deriveSeed(seed, 0x6a))),
    variances: new Float64Array(k * d).map((_, i) => Math.max(dataVar[i % d]!, floor[i % d]!)),
    logLikelihood: -Infinity,
    iterations: 0,
  };
  const resp = new Float64Array(n * k);
  const row = new Float64Array(k);
  for (let it = 1; it <= maxIter; it++) {
    // E step: responsibilities, and the log-likelihood of the current fit
    let ll = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) row[j] = Math.log(g.weights[j]!) + logGauss(x, i, g, j);
      const lse = logSumExp(row, k);
      ll += lse;
      for (let j = 0; j < k; j++) resp[i * k + j] = Math.exp(row[j]! - lse);
    }
    ll /= n;
    // M step: weights, means, variances from the responsibilities
    for (let j = 0; j < k; j++) {
      let nj = 0;
      for (let i = 0; i < n; i++) nj += resp[i * k + j]!;
      g.weights[j] = Math.max(nj / n, 1e-12);
      for (let c = 0; c < d; c++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += resp[i * k + j]! * x[i * d + c]!;
        g.means[j * d + c] = nj > 0 ? s / nj : g.means[j * d + c]!;
      }
      for (let c = 0; c < d; c++) {
        let s = 0;
        const mu = g.means[j * d + c]!;
        for (let i = 0; i < n; i++) s += resp[i * k + j]! * (x[i * d + c]! - mu) ** 2;
        g.variances[j * d + c] = Math.max(nj > 0 ? s / nj : dataVar[c]!, floor[c]!);
      }
    }
    const gain = ll - g.logLikelihood;
    g.logLikelihood = ll;
    g.iterations = it;
    if (gain >= 0 && gain < tol) break;
  }
  return g;
}

/** n draws [n * d] from the mixture: a component by its weight, then its Gaussian (seeded). */
export function sampleGmm(g: Gmm, n: number, seed: number): Float32Array {
  if (!Number.isInteger(n) || n < 0) throw new Error(`explore.sampleGmm: n must be an integer >= 0, got ${n}`);
  const rng = new Rng(seed);
  const u = new Float32Array(n).map(() => rng.uniform());
  const eps = rng.fillNormal(new Float32Array(n * g.d));
  const z = new Float32Array(n * g.d);
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (let acc = g.weights[0]!; j < g.k - 1 && u[i]! > acc;) acc += g.weights[++j]!;
    for (let c = 0; c < g.d; c++) z[i * g.d + c] = g.means[j * g.d + c]! + Math.sqrt(g.variances[j * g.d + c]!) * eps[i * g.d + c]!;
  }
  return z;
}

export interface DensityField {
  /** [rows * cols] density of the encoded training set's aggregate posterior over the two swept dims, rows top first */
  data: number[];
  /** [rows * cols] density of the prior N(0, I) over the same dims */
  prior: number[];
  /** the share of the prior's mass in the window that falls where the data's density is under 1% of its peak */
  holeShare: number;
}

/** the standard normal CDF (Abramowitz and Stegun 7.1.26 for erf, |error| < 1.5e-7) */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** each value's cell: from the midpoint with the one before to the midpoint with the one after (ends mirrored) */
function cellEdges(v: number[]): [number, number][] {
  return v.map((x, i) => {
    const prev = i > 0 ? v[i - 1]! : x - ((v[1] ?? x + 1) - x);
    const next = i < v.length - 1 ? v[i + 1]! : x + (x - (v[i - 1] ?? x - 1));
    const [a, b] = [(prev + x) / 2, (x + next) / 2];
    return a <= b ? [a, b] : [b, a];
  });
}

/** the mean over [lo, hi] of the density of N(m, s^2): a cell holds the mass that falls in it */
function cellDensity([lo, hi]: [number, number], m: number, s: number): number {
  return hi > lo ? (normalCdf((hi - m) / s) - normalCdf((lo - m) / s)) / (hi - lo) : 0;
}

/**
 * The aggregate posterior q(z) = 1/n sum_i q(z|x_i), marginal over the two swept dims, as its
 * mean density over each cell around (xValues[c], yValues[r]) of a sweep (so a narrow q between
 * two cell centres still counts); mu and sd are [n * L]. A model with no q (an AE) passes
 * sd = null: its codes get a Gaussian kernel of Silverman's width per dimension instead.
 */
export function aggregateDensity(
  mu: Float32Array,
  sd: Float32Array | null,
  n: number,
  L: number,
  dims: [number, number],
  xValues: number[],
  yValues: number[],
): DensityField {
  if (mu.length !== n * L) throw new Error(`explore.aggregateDensity: mu holds ${mu.length} numbers, not n * L = ${n * L}`);
  if (n < 1) throw new Error('explore.aggregateDensity: needs at least one encoded image');
  const [dx, dy] = dims;
  const bandwidth = (dim: number): number => {
    let m = 0;
    for (let i = 0; i < n; i++) m += mu[i * L + dim]! / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (mu[i * L + dim]! - m) ** 2 / n;
    return Math.max(1.06 * Math.sqrt(v) * n ** -0.2, 1e-3);
  };
  const hx = sd ? 0 : bandwidth(dx);
  const hy = sd ? 0 : bandwidth(dy);
  const xCells = cellEdges(xValues);
  const yCells = cellEdges(yValues);
  // per image and cell column/row, the two 1-D factors once: n * (cols + rows) CDF pairs
  const fx = new Float64Array(n * xValues.length);
  const fy = new Float64Array(n * yValues.length);
  for (let i = 0; i < n; i++) {
    const sx = sd ? Math.max(sd[i * L + dx]!, 1e-6) : hx;
    const sy = sd ? Math.max(sd[i * L + dy]!, 1e-6) : hy;
    xCells.forEach((e, c) => (fx[i * xValues.length + c] = cellDensity(e, mu[i * L + dx]!, sx)));
    yCells.forEach((e, r) => (fy[i * yValues.length + r] = cellDensity(e, mu[i * L + dy]!, sy)));
  }
  const data: number[] = [];
  const prior: number[] = [];
  for (let r = 0; r < yValues.length; r++) {
    for (let c = 0; c < xValues.length; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += fx[i * xValues.length + c]! * fy[i * yValues.length + r]!;
      data.push(s / n);
      prior.push(cellDensity(xCells[c]!, 0, 1) * cellDensity(yCells[r]!, 0, 1));
    }
  }
  const peak = Math.max(...data);
  const priorMass = prior.reduce((a, b) => a + b, 0);
  const inHoles = prior.reduce((a, p, i) => a + (data[i]! < 0.01 * peak ? p : 0), 0);
  return { data, prior, holeShare: priorMass > 0 ? inHoles / priorMass : 0 };
}
