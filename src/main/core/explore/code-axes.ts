// Principal axes of a set of latent codes (the encoded test means): every eigenvector of their
// L x L covariance by cyclic Jacobi rotations (exact and cheap for L <= 256), largest first,
// with each one's share of the total variance. A sweep along PC1/PC2 walks where the codes vary.

export interface CodeAxes {
  /** [L] */
  mean: Float64Array;
  /** unit vectors [L] each, largest variance first */
  axes: Float64Array[];
  variance: number[];
  /** variance / total variance */
  share: number[];
}

const SWEEPS = 60;

/** mu: [n, L] codes. */
export function principalAxes(mu: Float32Array, n: number, L: number): CodeAxes {
  if (n < 2 || mu.length !== n * L) throw new Error(`explore.principalAxes: ${mu.length} values are not n >= 2 codes of ${L}`);
  const mean = new Float64Array(L);
  for (let i = 0; i < n; i++) for (let d = 0; d < L; d++) mean[d]! += mu[i * L + d]! / n;
  const a = new Float64Array(L * L); // covariance, row-major
  const row = new Float64Array(L);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < L; d++) row[d] = mu[i * L + d]! - mean[d]!;
    for (let p = 0; p < L; p++) for (let q = p; q < L; q++) a[p * L + q]! += (row[p]! * row[q]!) / n;
  }
  for (let p = 0; p < L; p++) for (let q = 0; q < p; q++) a[p * L + q] = a[q * L + p]!;
  const v = jacobi(a, L);
  const order = Array.from({ length: L }, (_, k) => k).sort((x, y) => a[y * L + y]! - a[x * L + x]!);
  const variance = order.map((k) => Math.max(0, a[k * L + k]!));
  const total = variance.reduce((s, x) => s + x, 0) || 1;
  return {
    mean,
    axes: order.map((k) => Float64Array.from({ length: L }, (_, d) => v[d * L + k]!)),
    variance,
    share: variance.map((x) => x / total),
  };
}

/** Diagonalizes the symmetric a in place; returns the eigenvectors as the columns of v. */
function jacobi(a: Float64Array, L: number): Float64Array {
  const v = new Float64Array(L * L);
  for (let d = 0; d < L; d++) v[d * L + d] = 1;
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < L; p++) for (let q = p + 1; q < L; q++) off += a[p * L + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < L; p++) {
      for (let q = p + 1; q < L; q++) {
        const apq = a[p * L + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * L + q]! - a[p * L + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < L; k++) {
          // rotate columns p and q, then rows p and q
          const akp = a[k * L + p]!;
          const akq = a[k * L + q]!;
          a[k * L + p] = c * akp - s * akq;
          a[k * L + q] = s * akp + c * akq;
        }
        for (let k = 0; k < L; k++) {
          const apk = a[p * L + k]!;
          const aqk = a[q * L + k]!;
          a[p * L + k] = c * apk - s * aqk;
          a[q * L + k] = s * apk + c * aqk;
          const vkp = v[k * L + p]!;
          const vkq = v[k * L + q]!;
          v[k * L + p] = c * vkp - s * vkq;
          v[k * L + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return v;
}
