// The VAE as a mixture of Gaussians: EM recovers a known mixture (same seed, same fit), draws
// from a fit follow its weights, the aggregate posterior is the average of the q(z|x) over a
// sweep's window, and on a real MNIST VAE the sweep carries that density and the samples grid
// draws from the mixture fitted to the encoded training means (also from the CLI).
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateDensity, fitGmm, sampleGmm } from '../../src/main/core/explore/gmm';
import { Rng } from '../../src/main/core/model/rng';
import { invoke } from '../../src/main/dispatch';
import type { LatentLabService } from '../../src/main/core/service';
import { value, withTinyRun } from '../export/tiny-run';

/** n points from 3 well-separated 2-D Gaussians with weights 0.5, 0.3, 0.2 */
function known(n: number): { x: Float32Array; means: number[][]; sds: number[][]; weights: number[] } {
  const means = [
    [-3, 0],
    [2, 2],
    [1, -3],
  ];
  const sds = [
    [0.5, 0.8],
    [0.3, 0.3],
    [1, 0.4],
  ];
  const weights = [0.5, 0.3, 0.2];
  const rng = new Rng(7);
  const x = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    const j = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    for (let c = 0; c < 2; c++) x[i * 2 + c] = means[j]![c]! + sds[j]![c]! * rng.normal();
  }
  return { x, means, sds, weights };
}

describe('Gaussian mixture by EM', () => {
  it('recovers a known mixture: means, standard deviations and weights; the same seed gives the same fit', () => {
    const k = known(3000);
    const g = fitGmm(k.x, 3000, 2, { k: 3, seed: 1 });
    for (let t = 0; t < 3; t++) {
      // the fitted component nearest to each true one
      let j = 0;
      let best = Infinity;
      for (let c = 0; c < 3; c++) {
        const d = (g.means[c * 2]! - k.means[t]![0]!) ** 2 + (g.means[c * 2 + 1]! - k.means[t]![1]!) ** 2;
        if (d < best) [best, j] = [d, c];
      }
      expect(Math.sqrt(best)).toBeLessThan(0.1);
      expect(Math.abs(g.weights[j]! - k.weights[t]!)).toBeLessThan(0.03);
      for (let c = 0; c < 2; c++) expect(Math.sqrt(g.variances[j * 2 + c]!) / k.sds[t]![c]!).toBeCloseTo(1, 0);
    }
    expect(g.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const again = fitGmm(k.x, 3000, 2, { k: 3, seed: 1 });
    expect(Array.from(again.means)).toEqual(Array.from(g.means));
    // more components never fit the points worse here
    expect(fitGmm(k.x, 3000, 2, { k: 1, seed: 1 }).logLikelihood).toBeLessThan(g.logLikelihood);
    expect(() => fitGmm(k.x, 3000, 2, { k: 0, seed: 1 })).toThrow(/k must be an integer 1\.\.n/);
  });

  it('draws from a fit in the proportions of its weights, seeded', () => {
    const g = fitGmm(known(2000).x, 2000, 2, { k: 3, seed: 2 });
    const z = sampleGmm(g, 4000, 5);
    expect(Array.from(sampleGmm(g, 10, 5))).toEqual(Array.from(sampleGmm(g, 10, 5)));
    let left = 0;
    for (let i = 0; i < 4000; i++) if (z[i * 2]! < -1) left++;
    const wLeft = g.weights.filter((_, j) => g.means[j * 2]! < -1).reduce((a, b) => a + b, 0);
    expect(left / 4000).toBeCloseTo(wLeft, 1);
  });

  it('the aggregate posterior is the average of every q(z|x) over the two swept dims, as mass per cell', () => {
    // two codes in 3-D, dims 0 and 2 swept; wide q on a fine grid: the cell means are the point densities
    const mu = Float32Array.from([0, 9, 1, 2, -9, -1]);
    const sd = Float32Array.from([3, 5, 2.5, 2.5, 5, 4]);
    const xs = [-0.1, 0, 0.1];
    const ys = [1.1, 1, 0.9];
    const f = aggregateDensity(mu, sd, 2, 3, [0, 2], xs, ys);
    const n = (z: number, m: number, s: number) => Math.exp(-0.5 * ((z - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
    const at = (x: number, y: number) => (n(x, 0, 3) * n(y, 1, 2.5) + n(x, 2, 2.5) * n(y, -1, 4)) / 2;
    expect(f.data[4]! / at(0, 1)).toBeCloseTo(1, 3); // the centre cell
    expect(f.prior[4]! / (n(0, 0, 1) * n(1, 0, 1))).toBeCloseTo(1, 3);
    // narrow q between cell centres still counts: the mass inside the window is the share of codes in it
    const narrow = aggregateDensity(
      Float32Array.from([0.13, 0.27, 9, 9]),
      Float32Array.from([0.01, 0.01, 0.01, 0.01]),
      2,
      2,
      [0, 1],
      [-1, 0, 1],
      [1, 0, -1],
    );
    expect(narrow.data.reduce((a, b) => a + b, 0)).toBeCloseTo(0.5, 5); // cells of area 1
    // codes with no q (an AE): a kernel of Silverman's width, with a hole between two far clusters
    const rng = new Rng(3);
    const pts = Float32Array.from({ length: 200 }, (_, i) => (i < 100 ? -2 : 2) + 0.1 * rng.normal());
    const ae = aggregateDensity(pts, null, 100, 2, [0, 1], [-2, 0, 2], [2, 0, -2]);
    expect(ae.data[4]).toBeLessThan(ae.data[6]! * 0.1); // the centre, between the two clusters
    // on a finer window a good share of the prior's mass lies off the two clusters, in holes
    const fine = Array.from({ length: 13 }, (_, i) => -3 + i / 2);
    expect(aggregateDensity(pts, null, 100, 2, [0, 1], fine, fine.slice().reverse()).holeShare).toBeGreaterThan(0.2);
  });
});

describe('mixture on a real MNIST VAE', () => {
  const { cli, dir, ...tiny } = withTinyRun('ll-mix-', 2);
  let svc: LatentLabService;
  let runId: number;
  beforeAll(() => {
    svc = tiny.svc();
    runId = tiny.runId();
  });

  it('a sweep with density carries the aggregate posterior and the prior over its window', async () => {
    const g = value(await invoke(svc, 'explore:grid', { kind: 'sweep', runId, dims: [0, 1], grid: 12, range: [-4, 4], density: true }));
    const d = g.density!;
    expect(d.data).toHaveLength(144);
    expect(d.prior).toHaveLength(144);
    expect(d.data.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
    // a window wide enough for every code (this 1-epoch model's sit far from 0) holds nearly all the mass
    const wide = value(
      await invoke(svc, 'explore:grid', { kind: 'sweep', runId, dims: [0, 1], grid: 32, range: [-30, 30], density: true }),
    );
    expect(wide.density!.data.reduce((a, b) => a + b, 0) * (60 / 31) ** 2).toBeGreaterThan(0.95);
    expect(d.holeShare).toBeGreaterThanOrEqual(0);
    expect(d.holeShare).toBeLessThanOrEqual(1);
    const plain = value(await invoke(svc, 'explore:grid', { kind: 'sweep', runId, dims: [0, 1], grid: 12, range: [-4, 4] }));
    expect(plain.density).toBeUndefined();
    expect(Buffer.from(plain.tiles).equals(Buffer.from(g.tiles))).toBe(true);
    const pca = await invoke(svc, 'explore:grid', { kind: 'sweep', runId, dims: [0, 1], axes: 'pca', density: true });
    expect(!pca.ok && pca.error.message).toMatch(/^density: /);
  });

  it('samples from the fitted mixture beside N(0, I): seeded, different draws, a note saying so', async () => {
    const spec = { kind: 'samples' as const, runId, n: 16, seed: 3 };
    const prior = value(await invoke(svc, 'explore:grid', spec));
    const mix = value(await invoke(svc, 'explore:grid', { ...spec, from: 'mixture', components: 5 }));
    const again = value(await invoke(svc, 'explore:grid', { ...spec, from: 'mixture', components: 5 }));
    expect(mix.n).toBe(16);
    expect(Buffer.from(mix.tiles).equals(Buffer.from(again.tiles))).toBe(true);
    expect(Buffer.from(mix.tiles).equals(Buffer.from(prior.tiles))).toBe(false);
    expect(mix.note).toMatch(/5-component Gaussian mixture/);
    const bad = await invoke(svc, 'explore:grid', { ...spec, from: 'nowhere' as 'prior' });
    expect(!bad.ok && bad.error.message).toMatch(/from/);
  });

  it('CLI: samples --from mixture', async () => {
    const r = await cli('samples', '--run', 'last', '--from', 'mixture', '--components', '4', '--n', '8', '--out', `${dir()}/mix.png`);
    expect(r.err).toBe('');
    expect(existsSync(`${dir()}/mix.png`)).toBe(true);
  });
});
