// The IWAE objective: with k = 1 it is the ELBO exactly, its single-sample estimator averages
// to the analytic ELBO, the bound tightens with k on a trained model, and the config refuses
// what makes no sense.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { iwaeLoss, logSumExpRows } from '../../src/main/core/model/objective.js';
import { Rng } from '../../src/main/core/model/rng.js';
import { createModel, normalizeModelConfig, type VaeModel } from '../../src/main/core/model/vae.js';
import type { Dataset, ModelConfig } from '../../src/main/core/types.js';
import { mnistSubset } from '../train/mnist-subset.js';

const shape = { height: 28, width: 28, channels: 1 };
const vae: ModelConfig = { model: 'vae', family: 'mlp', latent: 8, hidden: [128], likelihood: 'bernoulli', beta: 1 };
let ds: Dataset;

beforeAll(async () => {
  await initBackend('wasm');
  ds = await mnistSubset(1000, 200);
});

/** rows [from, from + n) of the subset as [n, 784] in 0..1 */
function images(from: number, n: number): tf.Tensor2D {
  return tf.tensor2d(
    Float32Array.from(ds.pixels.subarray(from * 784, (from + n) * 784), (v) => v / 255),
    [n, 784],
  );
}

function lossOf(m: VaeModel, x: tf.Tensor2D, seed: number, training = true): number[] {
  return tf.tidy(() => {
    const p = m.lossParts(x, undefined, { beta: 1, training, rng: new Rng(seed) });
    return [p.loss, p.recon, p.kl].map((t) => t.dataSync()[0]!);
  });
}

/** a few hundred Adam steps on the first 1000 digits, so the posterior is worth weighting */
function trained(cfg: ModelConfig, steps: number): VaeModel {
  const m = createModel(cfg, shape, 10, 7);
  const opt = tf.train.adam(2e-3);
  for (let s = 0; s < steps; s++) {
    tf.tidy(() => {
      const x = images((s * 100) % 1000, 100);
      opt.minimize(() => m.lossParts(x, undefined, { beta: 1, training: true, rng: new Rng(100 + s) }).loss, false, m.variables);
    });
  }
  opt.dispose();
  return m;
}

describe('IWAE objective', () => {
  it('with k = 1 is the ELBO exactly: the same loss, parts and gradients from the same seed', () => {
    const elbo = createModel(vae, shape, 10, 3);
    const iwae1 = createModel({ ...vae, objective: 'iwae', k: 1 }, shape, 10, 3);
    const x = images(0, 32);
    expect(lossOf(iwae1, x, 5)).toEqual(lossOf(elbo, x, 5));
    const grads = (m: VaeModel) =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => m.lossParts(x, undefined, { beta: 1, training: true, rng: new Rng(9) }).loss, m.variables);
        return m.variables.map((v) => Array.from(grads[v.name]!.dataSync()));
      });
    expect(grads(iwae1)).toEqual(grads(elbo));
    [elbo, iwae1, x].forEach((t) => t.dispose());
  });

  it("k = 1's importance weight is the single-sample ELBO, and it averages to the analytic one", () => {
    const m = createModel({ ...vae, hidden: [64] }, shape, 10, 4);
    const x = images(0, 8);
    const reps = 400;
    const [analytic, sampled, weightMean] = tf.tidy(() => {
      const a = lossOf(m, x, 1, false)[0]!;
      const rows = tf.tile(x, [reps, 1]) as tf.Tensor2D;
      const w = m.logWeight(rows, undefined, new Rng(2)); // [reps * 8]
      // the IWAE loss at k = 1 of the same rows: minus the mean weight
      const one = iwaeLoss({ logPx: w, logPz: tf.zerosLike(w), logQz: tf.zerosLike(w) }, 1, 1).loss.dataSync()[0]!;
      return [a, one, -tf.mean(w).dataSync()[0]!];
    });
    expect(sampled).toBeCloseTo(weightMean, 3);
    // an untrained model's KL is small, so the sampled and analytic KL differ by noise only
    expect(Math.abs(sampled - analytic)).toBeLessThan(0.01 * analytic);
    [m, x].forEach((t) => t.dispose());
  });

  it('logsumexp over samples has the softmax gradient', () => {
    const w = tf.tensor2d([
      [1, -2, 0.5],
      [3, 0, -1],
    ]);
    const g = tf.grad((t) => tf.sum(tf.mul(logSumExpRows(t as tf.Tensor2D), tf.tensor1d([1, 2, 3]))))(w);
    const expected = tf.mul(tf.transpose(tf.softmax(tf.transpose(w))), tf.tensor2d([[1, 2, 3]]));
    expect(Array.from(g.dataSync())).toEqual(Array.from(expected.dataSync()).map((v) => expect.closeTo(v, 5)));
    tf.dispose([w, g, expected]);
  });

  it('tightens with k on a trained model: the held-out bound falls from k = 1 to 5 to 50', () => {
    const m = trained(vae, 150);
    const weights = m.getWeights();
    const x = images(1000, 200);
    const bound = (k: number) => {
      const mk = createModel({ ...vae, objective: 'iwae', k }, shape, 10, 7);
      mk.setWeights(weights);
      // averaged over several seeds: the k = 1 estimate is the noisiest
      const seeds = [11, 12, 13, 14];
      const v = seeds.reduce((s, seed) => s + lossOf(mk, x, seed, false)[0]!, 0) / seeds.length;
      mk.dispose();
      return v;
    };
    const [b1, b5, b50] = [bound(1), bound(5), bound(50)];
    expect(b5).toBeLessThan(b1 - 0.5);
    expect(b50).toBeLessThan(b5 - 0.3);
    [m, x].forEach((t) => t.dispose());
  });

  it('keeps the tensor count flat over training steps', () => {
    const m = createModel({ ...vae, objective: 'iwae', k: 5, hidden: [64] }, shape, 10, 3);
    const opt = tf.train.adam(1e-3);
    const x = images(0, 20);
    const step = (s: number) =>
      tf.tidy(() => {
        opt.minimize(() => m.lossParts(x, undefined, { beta: 0.5, training: true, rng: new Rng(s) }).loss, false, m.variables);
      });
    step(0);
    const n = tf.memory().numTensors;
    for (let s = 1; s < 4; s++) step(s);
    expect(tf.memory().numTensors).toBe(n);
    opt.dispose();
    [m, x].forEach((t) => t.dispose());
  });

  it('config: k is filled in for iwae and refused where it has no meaning, naming the field', () => {
    expect(normalizeModelConfig({ ...vae, objective: 'iwae' }).k).toBe(5);
    expect(normalizeModelConfig(vae).objective).toBeUndefined();
    expect(() => normalizeModelConfig({ ...vae, objective: 'iwae', k: 51 })).toThrow(/k must be an integer 1\.\.50, got 51/);
    expect(() => normalizeModelConfig({ ...vae, k: 5 })).toThrow(/k is the IWAE objective's sample count/);
    expect(() => normalizeModelConfig({ ...vae, model: 'ae', objective: 'iwae' })).toThrow(/objective iwae needs a prior/);
    expect(() => normalizeModelConfig({ ...vae, objective: 'x' as never })).toThrow(/objective must be elbo\|iwae, got x/);
  });
});
