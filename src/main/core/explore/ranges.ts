// Ranges per latent dimension from the data (disentanglement_lib's choices): the prior's
// -3..3, +-2 standard deviations of the encoded test means, or their min..max.

export type RangeKind = 'prior' | 'sd2' | 'minmax';

export interface DimStats {
  mean: number;
  sd: number;
  min: number;
  max: number;
}

/** Per dimension of mu [n, L]: mean, population sd, min and max. */
export function codeStats(mu: Float32Array, n: number, L: number): DimStats[] {
  if (n < 1 || mu.length !== n * L) throw new Error(`explore.codeStats: ${mu.length} values are not ${n} codes of ${L}`);
  return Array.from({ length: L }, (_, d) => {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = mu[i * L + d]!;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (mu[i * L + d]! - mean) ** 2;
    return { mean, sd: Math.sqrt(ss / n), min, max };
  });
}

/** The range of one dimension; a dimension whose codes never move gets a small one around them. */
export function rangeOf(kind: RangeKind, s: DimStats | undefined): [number, number] {
  if (kind === 'prior' || !s) return [-3, 3];
  const [lo, hi] = kind === 'sd2' ? [s.mean - 2 * s.sd, s.mean + 2 * s.sd] : [s.min, s.max];
  return hi - lo > 1e-6 ? [lo, hi] : [lo - 0.5, hi + 0.5];
}
