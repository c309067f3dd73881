// A class's prior region on the scatter: the k-sd ellipse of a 2-D Gaussian (rotated when the
// axes are principal components) and the box the axes must hold for it.
import { describe, expect, it } from 'vitest';
import { ellipseExtents, ellipsePoints } from '../../src/renderer/src/lib/scatter';

/** (p - mean)^T cov^-1 (p - mean): k^2 on the k-sd ellipse */
function mahalanobis2(p: { x: number; y: number }, mean: [number, number], [a, b, c]: [number, number, number]): number {
  const dx = p.x - mean[0];
  const dy = p.y - mean[1];
  return (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / (a * c - b * b);
}

describe('ellipsePoints', () => {
  it('puts every point at k sd (Mahalanobis) from the mean, axis-aligned or rotated, closed', () => {
    for (const g of [
      { mean: [1, -2] as [number, number], cov: [4, 0, 0.25] as [number, number, number] },
      { mean: [0, 0] as [number, number], cov: [2, 1.2, 1] as [number, number, number] },
    ]) {
      const pts = ellipsePoints(g, 2, 48);
      expect(pts).toHaveLength(49);
      for (const p of pts) expect(mahalanobis2(p, g.mean, g.cov)).toBeCloseTo(4, 9);
      expect(pts[48]!.x).toBeCloseTo(pts[0]!.x, 12);
      expect(pts[48]!.y).toBeCloseTo(pts[0]!.y, 12);
    }
  });

  it('the extents hold the ellipse: mean +- k sd along each axis, the widest points reached', () => {
    const g = { mean: [3, 1] as [number, number], cov: [2, -0.8, 0.5] as [number, number, number] };
    const e = ellipseExtents([g], 2);
    const pts = ellipsePoints(g, 2, 2000);
    const xs = pts.map((p) => p.x);
    const ys = pts.map((p) => p.y);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(e.x[0]! - 1e-9);
    expect(Math.max(...xs)).toBeLessThanOrEqual(e.x[1]! + 1e-9);
    expect(Math.min(...ys)).toBeCloseTo(e.y[0]!, 4);
    expect(Math.max(...ys)).toBeCloseTo(e.y[1]!, 4);
    expect(e).toEqual({ x: [3 - 2 * Math.sqrt(2), 3 + 2 * Math.sqrt(2)], y: [1 - 2 * Math.sqrt(0.5), 1 + 2 * Math.sqrt(0.5)] });
  });
});
