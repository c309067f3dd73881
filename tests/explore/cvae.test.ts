// A CVAE trained here on real digits: its samples of a requested class are recognised as that
// class by the same CVAE used as a classifier; class-by-value grids; label checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { decodeLatents, encodeImages, reconstruct, samplePrior } from '../../src/main/core/explore/codec.js';
import { classify, evaluate, perDimensionKl } from '../../src/main/core/explore/metrics.js';
import { classSweep, interpolate, sweepGrid } from '../../src/main/core/explore/sweep.js';
import { type VaeModel } from '../../src/main/core/model/vae.js';
import { LABEL_BLIND_RATIO, labelBlindNote, labelDependence } from '../../src/main/core/explore/label-dependence.js';
import { D, digits, meanAbsDiff, noLeak, slice, trainSmall, type Digits } from './small-models.js';

let cvae: VaeModel;
let test: Digits;

beforeAll(async () => {
  await initBackend('wasm');
  const d = await digits();
  test = d.test;
  cvae = trainSmall({ model: 'cvae', family: 'mlp', latent: 4, hidden: [128], likelihood: 'bernoulli', beta: 1 }, d.train, 400);
});

afterAll(() => cvae?.dispose());

describe('CVAE', () => {
  it('classifies its own samples of a requested class well above chance', () => {
    const per = 20;
    const px = new Uint8Array(10 * per * D);
    for (let c = 0; c < 10; c++) px.set(samplePrior(cvae, per, 100 + c, c), c * per * D);
    const pred = noLeak(() => classify(cvae, px));
    expect(pred).toHaveLength(10 * per);
    let right = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === Math.floor(i / per)) right++;
    const acc = right / pred.length;
    // and real test digits, which it never saw
    const t = slice(test, 0, 200);
    const predTest = classify(cvae, t.pixels);
    let rightTest = 0;
    for (let i = 0; i < 200; i++) if (predTest[i] === t.labels[i]) rightTest++;
    console.log(
      `CVAE as classifier: ${(acc * 100).toFixed(1)}% on its own samples, ${((rightTest / 200) * 100).toFixed(1)}% on 200 test digits (chance 10%)`,
    );
    expect(acc).toBeGreaterThan(0.6);
    expect(rightTest / 200).toBeGreaterThan(0.4);
  });

  it('class sweep: one row per class, the label changes the image, the dim changes it along a row', () => {
    const g = noLeak(() => classSweep(cvae, { dim: 1, range: [-2, 2], steps: 5 }));
    expect(g.rows).toBe(10);
    expect(g.values).toEqual([-2, -1, 0, 1, 2]);
    expect(g.tiles.length).toBe(10 * 5 * D);
    const tile = (r: number, c: number) => g.tiles.subarray((r * 5 + c) * D, (r * 5 + c + 1) * D);
    // the middle column (z = 0) is each class's "typical" digit: a 1 and a 0 look different
    expect(meanAbsDiff(tile(0, 2), tile(1, 2))).toBeGreaterThan(10);
    // and tile (r, c) is decode(z with z[dim] = value, label r)
    const z = new Float32Array(4);
    z[1] = 1;
    expect(meanAbsDiff(tile(7, 3), decodeLatents(cvae, z, 7))).toBeLessThan(0.05);
  });

  it('measures how much the decoder listens to its label, and says so under the classes when it barely does', () => {
    const trained = noLeak(() => labelDependence(cvae))!;
    console.log(`MNIST CVAE: the label changes the image by ${(trained.ratio * 100).toFixed(0)}% of what the code does`);
    expect(trained.ratio).toBeGreaterThan(LABEL_BLIND_RATIO);
    expect(labelBlindNote(trained, 10)).toBeUndefined();
    // the same decoder with the label's input weights zeroed: the label can change nothing
    const before = cvae.getWeights();
    const blind = before.map((w) => {
      if (w.name !== 'dec/dense0/W') return w;
      const data = w.data.slice();
      const [rows, cols] = w.shape as [number, number];
      data.fill(0, 4 * cols, rows * cols); // rows 4.. are the one-hot label's (z first, then y)
      return { ...w, data };
    });
    cvae.setWeights(blind);
    try {
      const d = labelDependence(cvae)!;
      expect(d.ratio).toBeLessThan(1e-6);
      expect(labelBlindNote(d, 10)).toMatch(
        /^The decoder barely depends on the label: the same code decoded with each of the 10 labels changes the image by 0\.00% /,
      );
    } finally {
      cvae.setWeights(before);
    }
  });

  it('every call that needs a label asks for one, and checks it', () => {
    const px = slice(test, 0, 4);
    expect(() => encodeImages(cvae, px.pixels)).toThrow(/conditional.*label/);
    expect(() => samplePrior(cvae, 4, 1)).toThrow(/conditional.*label/);
    expect(() => samplePrior(cvae, 4, 1, 10)).toThrow(/label 10 is not a class/);
    expect(() => encodeImages(cvae, px.pixels, px.labels.subarray(0, 3))).toThrow(/3 entries for 4 images/);
    // with labels everything runs and leaves no tensors
    noLeak(() => {
      const e = encodeImages(cvae, px.pixels, px.labels);
      reconstruct(cvae, px.pixels, px.labels);
      interpolate(cvae, e.mu.slice(0, 4), e.mu.slice(4, 8), 4, 'slerp', 3);
      sweepGrid(cvae, { dims: [0, 1], range: [-2, 2], grid: 3, spacing: 'normal', base: e.mu.slice(0, 4), label: 5 });
      perDimensionKl(cvae, px.pixels, px.labels);
      evaluate(cvae, px.pixels, px.labels, { iwae: 5 });
    });
    // decoding with one label for all rows, or one per row
    const z = new Float32Array(8);
    expect(Buffer.from(decodeLatents(cvae, z, 3)).equals(Buffer.from(decodeLatents(cvae, z, Int32Array.of(3, 3))))).toBe(true);
  });

  it('an unconditional model cannot classify or draw class grids', () => {
    const vae = trainSmall(
      { model: 'vae', family: 'mlp', latent: 2, hidden: [16], likelihood: 'bernoulli', beta: 1 },
      slice(test, 0, 100),
      1,
    );
    try {
      expect(() => classify(vae, slice(test, 0, 2).pixels)).toThrow(/conditional VAE \(cvae\); this is a vae/);
      expect(() => classSweep(vae, { dim: 0, range: [-1, 1], steps: 3 })).toThrow(/cvae/);
    } finally {
      vae.dispose();
    }
  });
});
