// A CVAE with a learned prior p(z | y) (the notes' conditional form): it trains, each class
// gets its own centre, and draws from p(z | y) are recognised as class y by the model itself.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { priorMean, samplePrior } from '../../src/main/core/explore/codec.js';
import { classify, evaluate } from '../../src/main/core/explore/metrics.js';
import { classSweep } from '../../src/main/core/explore/sweep.js';
import { createModel, type VaeModel } from '../../src/main/core/model/vae.js';
import { D, digits, noLeak, slice, trainSmall, SHAPE, type Digits } from './small-models.js';

let model: VaeModel;
let test: Digits;
const cfg = { model: 'cvae', family: 'mlp', latent: 4, hidden: [128], likelihood: 'bernoulli', beta: 1, learnedPrior: true } as const;

beforeAll(async () => {
  await initBackend('wasm');
  const d = await digits();
  test = d.test;
  model = trainSmall({ ...cfg, hidden: [128] }, d.train, 400);
});

afterAll(() => model?.dispose());

describe('CVAE with a learned prior p(z | y)', () => {
  it('is refused for a model without labels', () => {
    expect(() => createModel({ ...cfg, hidden: [128], model: 'vae' }, SHAPE, 10, 1)).toThrow(/learnedPrior needs a cvae/);
  });

  it('learns a centre per class, and its bound is a real bound (IWAE k=20 below the ELBO)', () => {
    const centres = Array.from({ length: 10 }, (_, c) => priorMean(model, c));
    let spread = 0;
    for (let c = 1; c < 10; c++) for (let j = 0; j < 4; j++) spread += Math.abs(centres[c]![j]! - centres[0]![j]!);
    expect(spread).toBeGreaterThan(0.5); // the classes do not share one centre
    const t = slice(test, 0, 100);
    const e = noLeak(() => evaluate(model, t.pixels, t.labels, { iwae: 20 }));
    expect(e.elbo).toBeLessThan(250);
    expect(e.iwae).toBeLessThanOrEqual(e.elbo + 1);
  });

  it('draws from p(z | y) look like class y to the model itself', () => {
    const per = 20;
    const px = new Uint8Array(10 * per * D);
    const before = tf.memory().numTensors;
    for (let c = 0; c < 10; c++) px.set(samplePrior(model, per, 7 + c, c), c * per * D);
    expect(tf.memory().numTensors).toBe(before);
    const pred = classify(model, px);
    let right = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === Math.floor(i / per)) right++;
    expect(right / pred.length).toBeGreaterThan(0.6);
  });

  it('sweeps each class around its own centre', () => {
    const g = noLeak(() => classSweep(model, { dim: 0, range: [-2, 2], steps: 5 }));
    expect(g.rows).toBe(10);
    expect(g.tiles.length).toBe(10 * 5 * D);
  });
});
