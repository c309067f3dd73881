// The Markov HVAE with T = 2..4 levels: T = 2 is the two-level hvae as it was (the figures
// below were printed by the two-level code before the generalization, from the same seed),
// the per-level KL adds up to the KL, the levels' sizes come from the config, and T = 3
// lowers its held-out loss on real digits.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { levelReport, samplePrior } from '../../src/main/core/explore/index.js';
import { Rng } from '../../src/main/core/model/rng.js';
import { createModel, normalizeModelConfig, type VaeModel } from '../../src/main/core/model/vae.js';
import type { Dataset, ModelConfig } from '../../src/main/core/types.js';
import { mnistSubset } from '../train/mnist-subset.js';

const shape = { height: 28, width: 28, channels: 1 };
const hvae: ModelConfig = { model: 'hvae', family: 'mlp', latent: 8, likelihood: 'bernoulli', beta: 1, hidden: [64] };
let ds: Dataset;

beforeAll(async () => {
  await initBackend('wasm');
  ds = await mnistSubset(1000, 200);
});

function images(from: number, n: number): tf.Tensor2D {
  return tf.tensor2d(
    Float32Array.from(ds.pixels.subarray(from * 784, (from + n) * 784), (v) => v / 255),
    [n, 784],
  );
}

const parts = (m: VaeModel, x: tf.Tensor2D, seed: number) =>
  tf.tidy(() => {
    const p = m.lossParts(x, undefined, { beta: 1, training: true, rng: new Rng(seed) });
    return [p.loss, p.recon, p.kl].map((t) => t.dataSync()[0]!);
  });

describe('Markov HVAE', () => {
  it('T = 2 gives what the two-level hvae gave from the same seed: weights, loss, bound, five Adam steps', () => {
    for (const cfg of [hvae, { ...hvae, levels: 2 }]) {
      const m = createModel(cfg, shape, 10, 3);
      expect(m.paramNames).toEqual([
        ...['enc/dense0/W', 'enc/dense0/b', 'enc/dense1/W', 'enc/dense1/b', 'dec/dense0/W', 'dec/dense0/b', 'dec/dense1/W', 'dec/dense1/b'],
        ...['enc2/dense0/W', 'enc2/dense0/b', 'enc2/dense1/W', 'enc2/dense1/b', 'prior1/dense0/W', 'prior1/dense0/b', 'prior1/dense1/W'],
        'prior1/dense1/b',
      ]);
      expect(m.latentSizes).toEqual([8, 4]);
      const x = images(0, 32);
      // printed by the two-level code at commit 79e9988 (loss, recon, kl; the sum of 32 log weights)
      const [loss, recon, kl] = parts(m, x, 5);
      expect(loss).toBeCloseTo(552.05463, 3);
      expect(recon).toBeCloseTo(544.51935, 3);
      expect(kl).toBeCloseTo(7.5352669, 4);
      expect(tf.tidy(() => tf.sum(m.logWeight(x, undefined, new Rng(6))).dataSync()[0]!)).toBeCloseTo(-17762.668, 1);
      const opt = tf.train.adam(1e-3);
      for (let i = 0; i < 5; i++) {
        tf.tidy(() => {
          opt.minimize(() => m.lossParts(x, undefined, { beta: 1, training: true, rng: new Rng(10 + i) }).loss, false, m.variables);
        });
      }
      const after = parts(m, x, 5);
      expect(after[0]).toBeCloseTo(530.242, 2);
      expect(after[2]).toBeCloseTo(3.4022908, 3);
      opt.dispose();
      [m, x].forEach((t) => t.dispose());
    }
  });

  it('takes its sizes from --latent 50,25,12 style fields, halving by default, and refuses what does not fit', () => {
    expect(normalizeModelConfig({ ...hvae, latent: 50, latent2: 25, latent3: 12 })).toMatchObject({ levels: 3, latent2: 25, latent3: 12 });
    expect(normalizeModelConfig({ ...hvae, latent: 50, levels: 4 })).toMatchObject({ latent2: 25, latent3: 13, latent4: 7 });
    expect(normalizeModelConfig(hvae).levels).toBeUndefined();
    expect(() => normalizeModelConfig({ ...hvae, levels: 5 })).toThrow(/levels must be an integer 2\.\.4, got 5/);
    expect(() => normalizeModelConfig({ ...hvae, levels: 2, latent3: 4 })).toThrow(/latent3 is the size of z3 and needs levels 3 or 4/);
    expect(() => normalizeModelConfig({ ...hvae, model: 'vae', levels: 3 })).toThrow(/levels sets the levels .* needs model hvae, got vae/);
    const m = createModel({ ...hvae, latent: 12, levels: 4 }, shape, 10, 1);
    expect(m.latentSizes).toEqual([12, 6, 3, 2]);
    const x = images(0, 4);
    const z3 = m.encodeLevel!(3, tf.zeros([4, 6])).mu;
    expect(z3.shape).toEqual([4, 3]);
    expect(m.priorLevel!(3, tf.zeros([4, 2])).mu.shape).toEqual([4, 3]);
    expect(m.logWeight(x, undefined, new Rng(1)).shape).toEqual([4]);
    m.dispose();
  });

  it('samples down the chain: z_T ~ N(0, I), then each p(z_t|z_{t+1}); the same seed, the same samples', () => {
    const m = createModel({ ...hvae, levels: 4, latent: 12 }, shape, 10, 2);
    const a = samplePrior(m, 6, 4);
    expect(a).toHaveLength(6 * 784);
    expect(samplePrior(m, 6, 4)).toEqual(a);
    expect(samplePrior(m, 6, 5)).not.toEqual(a);
    m.dispose();
  });

  it("reports each level's KL: the terms add up to perImage's KL from the same draws", () => {
    const m = createModel({ ...hvae, levels: 3 }, shape, 10, 2);
    const x = images(0, 16);
    const opts = () => ({ beta: 1, training: false, rng: new Rng(8) });
    const [total, levels] = tf.tidy(() => {
      const kl = m.perImage(x, undefined, opts()).kl.dataSync();
      return [Array.from(kl), m.levelKl!(x, opts()).map((t) => Array.from(t.dataSync()))];
    });
    expect(levels).toHaveLength(3);
    total.forEach((v, i) => expect(levels[0]![i]! + levels[1]![i]! + levels[2]![i]!).toBeCloseTo(v, 3));
    [m, x].forEach((t) => t.dispose());
  });

  it('T = 3 lowers its held-out loss on real digits', () => {
    const m = createModel({ ...hvae, hidden: [128], levels: 3 }, shape, 10, 1);
    const x = images(1000, 200);
    const heldOut = () =>
      tf.tidy(() => {
        const p = m.perImage(x, undefined, { beta: 1, training: false, rng: new Rng(3) });
        return tf.mean(tf.add(p.recon, p.kl)).dataSync()[0]!;
      });
    const before = heldOut();
    const opt = tf.train.adam(2e-3);
    for (let s = 0; s < 60; s++) {
      tf.tidy(() => {
        const b = images((s * 50) % 1000, 50);
        opt.minimize(() => m.lossParts(b, undefined, { beta: 1, training: true, rng: new Rng(s) }).loss, false, m.variables);
      });
    }
    opt.dispose();
    expect(heldOut()).toBeLessThan(before - 150);
    // each level's KL and its units ranked (what evaluate reports)
    const report = levelReport(m, ds.pixels.subarray(1000 * 784));
    expect(report.map((l) => [l.level, l.latent])).toEqual([
      [1, 8],
      [2, 4],
      [3, 2],
    ]);
    for (const l of report) {
      expect(l.ranked.slice().sort((a, b) => a - b)).toEqual([...Array(l.latent).keys()]);
      l.ranked.slice(1).forEach((d, i) => expect(l.unitKl[d]!).toBeLessThanOrEqual(l.unitKl[l.ranked[i]!]!));
      expect(l.activeUnits).toBeLessThanOrEqual(l.latent);
    }
    expect(report[0]!.kl).toBeGreaterThan(1);
    expect(report[0]!.activeUnits).toBeGreaterThan(0);
    [m, x].forEach((t) => t.dispose());
  });
});
