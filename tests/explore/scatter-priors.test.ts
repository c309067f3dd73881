// A CVAE's class regions as the scatter gets them: each class's p(z|y) projected on the plotted
// axes. On two raw dims they are that class's means and variances there; on PC1 x PC2 they must
// be what draws from p(z|y), projected the way the scatter projects its points, average to
// (checked by sampling). Real MNIST, a form-4 CVAE trained here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend';
import { classPriors } from '../../src/main/core/explore/codec';
import { principalAxes } from '../../src/main/core/explore/code-axes';
import { classPriorsOn } from '../../src/main/core/handlers/scatter-priors';
import { Rng } from '../../src/main/core/model/rng';
import { createModel, type VaeModel } from '../../src/main/core/model/vae';
import { encodeImages } from '../../src/main/core/explore';
import { digits, SHAPE, trainSmall } from './small-models';

const base = { family: 'mlp', latent: 4, likelihood: 'bernoulli', beta: 1 } as const;

describe('class priors on the scatter', () => {
  let m: VaeModel;
  beforeAll(async () => {
    await initBackend('wasm');
    const { train } = await digits();
    m = trainSmall({ ...base, model: 'cvae', form: 4, hidden: [64] }, train, 150);
  }, 120_000);
  afterAll(() => m?.dispose());

  it("on two raw dims: each class's own mean and variance there, no covariance", () => {
    const p = classPriors(m);
    const got = classPriorsOn(m, { kind: 'dims', dims: [3, 1] })!;
    expect(got).toHaveLength(10);
    for (const g of got) {
      const c = g.label;
      expect(g.mean[0]).toBeCloseTo(p.mu[c * 4 + 3]!, 6);
      expect(g.mean[1]).toBeCloseTo(p.mu[c * 4 + 1]!, 6);
      expect(g.cov[0]).toBeCloseTo(p.sd[c * 4 + 3]! ** 2, 6);
      expect(g.cov[1]).toBe(0);
      expect(g.cov[2]).toBeCloseTo(p.sd[c * 4 + 1]! ** 2, 6);
    }
  });

  it('on PC1 x PC2 of the encoded test codes: the mean and covariance of projected draws from p(z|y)', async () => {
    const { test } = await digits();
    const L = 4;
    const mu = encodeImages(m, test.pixels, test.labels).mu;
    const pca = principalAxes(mu, test.n, L);
    const got = classPriorsOn(m, { kind: 'pca', pca })!;
    const p = classPriors(m);
    const rng = new Rng(5);
    const N = 20000;
    for (const c of [0, 7]) {
      // draws from p(z|y = c) (one set for both axes), projected as the scatter projects its
      // points: (z - mean) . v_k / sd_k
      const z = Float64Array.from({ length: N * L }, (_, i) => p.mu[c * L + (i % L)]! + p.sd[c * L + (i % L)]! * rng.normal());
      const proj = [0, 1].map((k) => {
        const v = pca.axes[k]!;
        const sd = Math.sqrt(pca.variance[k]!);
        return Float64Array.from({ length: N }, (_, n) => {
          let s = 0;
          for (let d = 0; d < L; d++) s += (z[n * L + d]! - pca.mean[d]!) * v[d]!;
          return s / sd;
        });
      }) as [Float64Array, Float64Array];
      const mean = proj.map((a) => a.reduce((s, v) => s + v, 0) / N) as [number, number];
      const cov = (i: number, j: number): number => {
        let s = 0;
        for (let n = 0; n < N; n++) s += (proj[i]![n]! - mean[i]!) * (proj[j]![n]! - mean[j]!);
        return s / N;
      };
      const g = got[c]!;
      const scale = Math.sqrt(g.cov[0] + g.cov[2]);
      expect(Math.abs(g.mean[0] - mean[0]) / scale).toBeLessThan(0.03);
      expect(Math.abs(g.mean[1] - mean[1]) / scale).toBeLessThan(0.03);
      expect(g.cov[0] / cov(0, 0)).toBeCloseTo(1, 1);
      expect(g.cov[2] / cov(1, 1)).toBeCloseTo(1, 1);
      expect(Math.abs(g.cov[1] - cov(0, 1)) / scale ** 2).toBeLessThan(0.03);
    }
  });

  it('a CVAE without a learned prior (form 2) and a VAE have no class regions', () => {
    for (const cfg of [{ model: 'cvae', form: 2 }, { model: 'vae' }] as const) {
      const untrained = createModel({ ...base, ...cfg, hidden: [32] }, SHAPE, 10, 1);
      expect(classPriorsOn(untrained, { kind: 'dims', dims: [0, 1] })).toBeUndefined();
      untrained.dispose();
    }
  });
});
