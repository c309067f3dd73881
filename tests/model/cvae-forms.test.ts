// The four CVAE forms: the config maps learnedPrior to form 1 and back, forms 1 and 2 are
// today's models to the bit, form 3 (prediction) becomes a classifier far above chance after a
// short training, form 4 (CMMA) keeps the label out of encoder and decoder and generates by
// class from p(z|y).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { classify, evaluate, samplePrior } from '../../src/main/core/explore/index.js';
import { Rng } from '../../src/main/core/model/rng.js';
import { createModel, normalizeModelConfig, oneHot, type VaeModel } from '../../src/main/core/model/vae.js';
import type { Dataset, ModelConfig } from '../../src/main/core/types.js';
import { mnistSubset } from '../train/mnist-subset.js';

const shape = { height: 28, width: 28, channels: 1 };
const cvae: ModelConfig = { model: 'cvae', family: 'mlp', latent: 4, hidden: [128], likelihood: 'bernoulli', beta: 1 };
const TRAIN = 1000;
let ds: Dataset;

beforeAll(async () => {
  await initBackend('wasm');
  ds = await mnistSubset(TRAIN, 300);
});

function batch(from: number, n: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = tf.tensor2d(
    Float32Array.from(ds.pixels.subarray(from * 784, (from + n) * 784), (v) => v / 255),
    [n, 784],
  );
  return { x, y: oneHot(ds.labels.subarray(from, from + n), 10) };
}

function heldOut(m: VaeModel): number {
  return tf.tidy(() => {
    const { x, y } = batch(TRAIN, 300);
    const p = m.perImage(x, y, { beta: 1, training: false, rng: new Rng(3) });
    return tf.mean(tf.add(p.recon, p.kl)).dataSync()[0]!;
  });
}

/** `epochs` passes of Adam over the training digits, batches of 50 */
function train(m: VaeModel, epochs: number): void {
  const opt = tf.train.adam(2e-3);
  for (let s = 0; s < (epochs * TRAIN) / 50; s++) {
    tf.tidy(() => {
      const { x, y } = batch((s * 50) % TRAIN, 50);
      opt.minimize(() => m.lossParts(x, y, { beta: 1, training: true, rng: new Rng(50 + s) }).loss, false, m.variables);
    });
  }
  opt.dispose();
}

function accuracy(m: VaeModel): number {
  const pixels = ds.pixels.subarray(TRAIN * 784);
  const pred = classify(m, pixels);
  return pred.reduce((n, p, i) => n + (p === ds.labels[TRAIN + i]! ? 1 : 0), 0) / pred.length;
}

describe('CVAE forms: the config', () => {
  it('maps learnedPrior to form 1 and the default to form 2, and refuses what does not fit, naming the field', () => {
    expect(normalizeModelConfig(cvae).form).toBe(2);
    expect(normalizeModelConfig({ ...cvae, learnedPrior: true }).form).toBe(1);
    expect(normalizeModelConfig({ ...cvae, form: 1 }).learnedPrior).toBe(true);
    expect(normalizeModelConfig({ ...cvae, model: 'vae' }).form).toBeUndefined();
    expect(() => normalizeModelConfig({ ...cvae, model: 'vae', form: 3 })).toThrow(/model config: form .*needs a cvae, got model vae/);
    expect(() => normalizeModelConfig({ ...cvae, form: 3, learnedPrior: true })).toThrow(/learnedPrior is form 1 .* cannot go with form 3/);
    expect(() => normalizeModelConfig({ ...cvae, form: 5 as never })).toThrow(/form must be 1\|2\|3\|4, got 5/);
  });

  it('forms 1 and 2 are the models learnedPrior and the plain cvae give, to the bit', () => {
    const { x, y } = batch(0, 16);
    const loss = (m: VaeModel) => m.lossParts(x, y, { beta: 1, training: true, rng: new Rng(4) }).loss.dataSync()[0]!;
    const pairs: [ModelConfig, ModelConfig][] = [
      [cvae, { ...cvae, form: 2 }],
      [
        { ...cvae, learnedPrior: true },
        { ...cvae, form: 1 },
      ],
    ];
    for (const [a, b] of pairs) {
      const [ma, mb] = [createModel(a, shape, 10, 2), createModel(b, shape, 10, 2)];
      expect(mb.paramNames).toEqual(ma.paramNames);
      expect(loss(mb)).toBe(loss(ma));
      [ma, mb].forEach((m) => m.dispose());
    }
    tf.dispose([x, y]);
  });
});

describe('CVAE form 3: prediction', () => {
  it('has q(z|x,y), p(y|x,z) and p(z|x), decodes no images, predicts class probabilities', () => {
    const m = createModel({ ...cvae, form: 3 }, shape, 10, 1);
    const shapes = Object.fromEntries(m.paramNames.map((n, i) => [n, m.variables[i]!.shape]));
    expect(shapes['enc/dense0/W']).toEqual([784 + 10, 128]);
    expect(shapes['cls/dense0/W']).toEqual([784 + 4, 128]);
    expect(shapes['cls/dense1/W']).toEqual([128, 10]);
    expect(shapes['prior/dense0/W']).toEqual([784, 128]);
    expect(m.decodesImages).toBe(false);
    const { x, y } = batch(0, 5);
    expect(() => m.decode(tf.zeros([5, 4]), y)).toThrow(/form 3 predicts labels .* decodes no images/);
    const p = m.predict!(x);
    expect(p.shape).toEqual([5, 10]);
    for (const row of p.arraySync() as number[][]) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(m.logWeight(x, y, new Rng(1)).shape).toEqual([5]);
    expect(() => m.perImage(x, undefined, { beta: 1, training: false, rng: new Rng(1) })).toThrow(/form 3 needs the one-hot labels/);
    [m, x, y, p].forEach((t) => t.dispose());
  });

  it('lowers its held-out loss and classifies far above chance after three short epochs', () => {
    const m = createModel({ ...cvae, form: 3, latent: 8 }, shape, 10, 1);
    const before = heldOut(m);
    const chance = accuracy(m);
    train(m, 3);
    const after = heldOut(m);
    // an untrained classifier scores about log 10 = 2.3 nats per label
    expect(before).toBeGreaterThan(2);
    expect(after).toBeLessThan(before - 1.5);
    const acc = accuracy(m);
    expect(acc).toBeGreaterThan(0.8);
    expect(acc).toBeGreaterThan(chance + 0.5);
    // evaluate: no reconstruction error (no images), a finite bound on -log p(y|x)
    const ev = evaluate(m, ds.pixels.subarray(TRAIN * 784), ds.labels.subarray(TRAIN), { iwae: 10 });
    expect(Number.isNaN(ev.mse)).toBe(true);
    expect(ev.iwae).toBeLessThanOrEqual(ev.elbo + 0.05);
    m.dispose();
  });
});

describe('CVAE form 4: CMMA', () => {
  it('keeps the label out of encoder and decoder; the prior p(z|y) learns a region per class', () => {
    const m = createModel({ ...cvae, form: 4 }, shape, 10, 1);
    const shapes = Object.fromEntries(m.paramNames.map((n, i) => [n, m.variables[i]!.shape]));
    expect(shapes['enc/dense0/W']).toEqual([784, 128]);
    expect(shapes['dec/dense0/W']).toEqual([4, 128]);
    expect(shapes['prior/dense0/W']).toEqual([10, 8]);
    const before = heldOut(m);
    train(m, 6);
    expect(heldOut(m)).toBeLessThan(before - 150);
    // generation by class: samples from p(z|y) of two classes differ, the same class repeats
    const three = samplePrior(m, 8, 1, 3);
    const seven = samplePrior(m, 8, 1, 7);
    const dist = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;
    expect(dist(three, seven)).toBeGreaterThan(4);
    expect(dist(three, samplePrior(m, 8, 1, 3))).toBe(0);
    // the class centres move apart: the prior alone tells the classes, so the ELBO argmax beats
    // chance (0.1) already; they separate slowly (the prior is linear in the one-hot)
    expect(accuracy(m)).toBeGreaterThan(0.2);
    m.dispose();
  });
});
