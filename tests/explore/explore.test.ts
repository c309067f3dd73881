// Exploring trained models (trained here on real digits): sweeps, interpolation, samples,
// per-dimension KL, the IWAE bound, and a CVAE that conditions on its label.
import * as tf from '@tensorflow/tfjs-core';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import {
  classify,
  classSweep,
  decodeLatents,
  encodeImages,
  evaluate,
  interpolate,
  normalCdf,
  normalInverseCdf,
  perDimensionKl,
  perImageLoss,
  randomNormal,
  reconstruct,
  samplePrior,
  scatter,
  sweepGrid,
  sweepValues,
} from '../../src/main/core/explore/index.js';
import { createModel } from '../../src/main/core/model/vae.js';
import { latestCheckpointDir, loadRunModel, trainInProcess, type LoadedModel } from '../../src/main/core/train/index.js';
import type { Dataset, TrainConfig } from '../../src/main/core/types.js';
import { mnistSubsetFile } from '../train/mnist-subset.js';

let dir = '';
let ds: Dataset;
let vae: LoadedModel;
let cvae: LoadedModel;
let heldOutVae = 0;
/** 200 test images and their labels */
let testPx: Uint8Array;
let testLabels: Int32Array;

async function trainModel(name: string, file: string, cfg: TrainConfig): Promise<{ model: LoadedModel; heldOut: number }> {
  let heldOut = 0;
  await trainInProcess({ config: cfg, datasetFile: file, runDir: join(dir, name), resume: false, backend: 'wasm' }, (e) => {
    if (e.type === 'epoch') heldOut = e.result.heldOut;
  });
  return { model: await loadRunModel((await latestCheckpointDir(join(dir, name)))!), heldOut };
}

beforeAll(async () => {
  await initBackend('wasm');
  const sub = await mnistSubsetFile(6000, 1000);
  dir = sub.dir;
  ds = sub.ds;
  const base = { family: 'mlp', likelihood: 'bernoulli', beta: 1, batch: 100, lr: 2e-3, seed: 1 } as const;
  const v = await trainModel('vae', sub.file, { ...base, model: 'vae', latent: 8, hidden: [256], epochs: 2, batch: 50 });
  vae = v.model;
  heldOutVae = v.heldOut;
  cvae = (await trainModel('cvae', sub.file, { ...base, model: 'cvae', latent: 4, hidden: [256], epochs: 3 })).model;
  const first = 6000;
  testPx = ds.pixels.slice(first * 784, (first + 200) * 784);
  testLabels = ds.labels.slice(first, first + 200);
});

afterAll(() => {
  vae?.dispose();
  cvae?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sweep values', () => {
  it('inverse normal CDF is accurate', () => {
    expect(normalInverseCdf(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalInverseCdf(0.5)).toBeCloseTo(0, 9);
    expect(normalInverseCdf(1e-6)).toBeCloseTo(-4.753424, 4);
    for (const x of [-3, -1, 0.2, 2.5]) expect(normalInverseCdf(normalCdf(x))).toBeCloseTo(x, 4);
  });

  it('linear and normal spacing span the range, normal crowds the middle', () => {
    expect(sweepValues([-3, 3], 4, 'linear')).toEqual([-3, -1, 1, 3]);
    const n = sweepValues([-3, 3], 9, 'normal');
    expect(n[0]).toBe(-3);
    expect(n[8]).toBe(3);
    expect(n[4]).toBeCloseTo(0, 9);
    for (let i = 0; i < 4; i++) expect(n[i]! + n[8 - i]!).toBeCloseTo(0, 6);
    // steps near the centre are smaller than near the ends
    expect(n[5]! - n[4]!).toBeLessThan(n[8]! - n[7]!);
  });
});

describe('sweepGrid', () => {
  it('draws a grid where only the two swept dims move', () => {
    const d = vae.latent;
    const base = randomNormal(d, 3);
    const g = sweepGrid(vae, { dims: [2, 5], range: [-2, 2], grid: 5, spacing: 'linear', base });
    expect(g.tiles.length).toBe(25 * 784);
    expect(g.xValues).toEqual([-2, -1, 0, 1, 2]);
    expect(g.yValues).toEqual([2, 1, 0, -1, -2]);
    // the tile at row 1, column 3 is exactly the decode of base with z2 = 1, z5 = 1
    const z = base.slice();
    z[2] = g.xValues[3]!;
    z[5] = g.yValues[1]!;
    const one = decodeLatents(vae, z);
    expect(Buffer.compare(Buffer.from(one), Buffer.from(g.tiles.subarray((1 * 5 + 3) * 784, (1 * 5 + 4) * 784)))).toBe(0);
    // another value of a pinned dim changes the images
    const base2 = base.slice();
    base2[0] = base[0]! + 2.5;
    const g2 = sweepGrid(vae, { dims: [2, 5], range: [-2, 2], grid: 5, spacing: 'linear', base: base2 });
    let diff = 0;
    for (let i = 0; i < g.tiles.length; i++) diff += Math.abs(g.tiles[i]! - g2.tiles[i]!);
    expect(diff / g.tiles.length).toBeGreaterThan(1);
    // tiles differ along the swept axes of a trained model
    let along = 0;
    for (let i = 0; i < 784; i++) along += Math.abs(g.tiles[i]! - g.tiles[4 * 784 + i]!);
    expect(along / 784).toBeGreaterThan(1);
    expect(() => sweepGrid(vae, { dims: [1, 1], range: [-2, 2], grid: 3, base })).toThrow(/differ/);
    expect(() => sweepGrid(vae, { dims: [1, 99], range: [-2, 2], grid: 3, base })).toThrow(/dimension 99/);
  });

  it('decodes a 16 x 16 grid of the reference-sized model quickly', () => {
    const ref = createModel({ model: 'vae', family: 'mlp', latent: 20, likelihood: 'bernoulli', beta: 1 }, { height: 28, width: 28, channels: 1 }, 10, 1);
    const base = new Float32Array(20);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      sweepGrid(ref, { dims: [0, 1], range: [-3, 3], grid: 16, spacing: 'normal', base });
      times.push(performance.now() - t0);
    }
    ref.dispose();
    times.sort((a, b) => a - b);
    // the target is 16 ms (see bench/results.md); the bound here leaves room for a busy machine
    expect(times[3]).toBeLessThan(100);
  });
});

describe('encode, reconstruct, interpolate, sample', () => {
  it('encodes to means and log-variances and reconstructs recognisably', () => {
    const e = encodeImages(vae, testPx.subarray(0, 10 * 784));
    expect(e.mu.length).toBe(80);
    expect(e.logvar.length).toBe(80);
    expect(Math.max(...e.logvar)).toBeLessThan(1);
    const r = reconstruct(vae, testPx.subarray(0, 10 * 784));
    expect(r.noisy).toBeUndefined();
    // each output is much closer to its own input than to the next image's
    let own = 0;
    let other = 0;
    for (let k = 0; k < 10; k++) {
      for (let i = 0; i < 784; i++) {
        own += Math.abs(r.output[k * 784 + i]! - testPx[k * 784 + i]!);
        other += Math.abs(r.output[((k + 1) % 10) * 784 + i]! - testPx[k * 784 + i]!);
      }
    }
    expect(own).toBeLessThan(0.75 * other);
    const noisy = reconstruct(vae, testPx.subarray(0, 2 * 784), undefined, { kind: 'mask', level: 0.5 });
    expect(noisy.noisy!.length).toBe(2 * 784);
    expect(noisy.noisy!.filter((v) => v === 0).length).toBeGreaterThan(testPx.subarray(0, 2 * 784).filter((v) => v === 0).length);
  });

  it('interpolates from one image to the other, linearly or spherically', () => {
    const e = encodeImages(vae, testPx.subarray(0, 2 * 784));
    const za = e.mu.slice(0, 8);
    const zb = e.mu.slice(8, 16);
    for (const mode of ['linear', 'slerp'] as const) {
      const strip = interpolate(vae, za, zb, 6, mode);
      expect(strip.length).toBe(6 * 784);
      expect(Buffer.compare(Buffer.from(strip.subarray(0, 784)), Buffer.from(decodeLatents(vae, za)))).toBe(0);
      expect(Buffer.compare(Buffer.from(strip.subarray(5 * 784)), Buffer.from(decodeLatents(vae, zb)))).toBe(0);
    }
  });

  it('samples the prior reproducibly by seed', () => {
    const a = samplePrior(vae, 4, 7);
    expect(a.length).toBe(4 * 784);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(samplePrior(vae, 4, 7)))).toBe(0);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(samplePrior(vae, 4, 8)))).not.toBe(0);
  });

  it('ranks dimensions by KL, counts active units and scatters the codes', () => {
    const k = perDimensionKl(vae, testPx);
    expect(k.kl.length).toBe(8);
    expect(k.muVariance.length).toBe(8);
    expect(k.activeUnits).toBeGreaterThan(0);
    expect(k.activeUnits).toBeLessThanOrEqual(8);
    // the total matches the model's KL term on the same kind of images (held-out ELBO ~ recon + KL)
    const total = k.kl.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(5);
    expect(total).toBeLessThan(heldOutVae);
    const s = scatter(vae, testPx.subarray(0, 50 * 784), undefined, [0, 3]);
    const e = encodeImages(vae, testPx.subarray(0, 50 * 784));
    expect(s.x.length).toBe(50);
    expect(s.y[7]).toBe(e.mu[7 * 8 + 3]);
  });
});

describe('evaluate (IWAE)', () => {
  it('the importance-weighted bound tightens with k and equals the ELBO at k = 1', () => {
    const px = testPx.subarray(0, 60 * 784);
    const e1 = evaluate(vae, px, undefined, { iwae: 1 });
    const e10 = evaluate(vae, px, undefined, { iwae: 10 });
    const e100 = evaluate(vae, px, undefined, { iwae: 100 });
    expect(e1.iwae).toBeCloseTo(e1.elbo, 6);
    // the ELBO from 100 samples per image is a precise reference for k = 1 in expectation
    expect(Math.abs(e1.iwae - e100.elbo)).toBeLessThan(2);
    // -log p estimates: k = 10 below k = 1, k = 100 below k = 10 (allowing MC noise)
    expect(e10.iwae).toBeLessThan(e1.iwae - 0.5);
    expect(e100.iwae).toBeLessThan(e10.iwae + 0.2);
    expect(e100.iwae).toBeLessThan(e100.elbo);
    expect(e100.mse).toBeGreaterThan(0);
    expect(e100.psnr).toBeCloseTo(10 * Math.log10(1 / e100.mse), 6);
    const per = perImageLoss(vae, px);
    expect(per.length).toBe(60);
    expect(per.reduce((a, b) => a + b, 0) / 60).toBeCloseTo(e100.elbo, -1);
    // no tensors left behind
    const before = tf.memory().numTensors;
    evaluate(vae, px.subarray(0, 784 * 3), undefined, { iwae: 3000 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('conditional VAE', () => {
  it('generates the requested class (its own classifier agrees well above chance)', () => {
    let agree = 0;
    const per = 10;
    for (let c = 0; c < 10; c++) {
      const imgs = samplePrior(cvae, per, 100 + c, c);
      const pred = classify(cvae, imgs);
      agree += pred.filter((p) => p === c).length;
    }
    // chance is 10%
    expect(agree / (10 * per)).toBeGreaterThan(0.5);
  });

  it('classifies real test digits well above chance and draws class-by-sweep grids', () => {
    const pred = classify(cvae, testPx.subarray(0, 100 * 784));
    let right = 0;
    for (let i = 0; i < 100; i++) if (pred[i] === testLabels[i]) right++;
    expect(right).toBeGreaterThan(50);
    const g = classSweep(cvae, { dim: 1, range: [-2, 2], steps: 5 });
    expect(g.rows).toBe(10);
    expect(g.tiles.length).toBe(50 * 784);
    expect(g.values).toEqual([-2, -1, 0, 1, 2]);
    expect(() => classSweep(vae, { dim: 0, range: [-1, 1], steps: 3 })).toThrow(/conditional/);
    const e = evaluate(cvae, testPx.subarray(0, 20 * 784), testLabels.subarray(0, 20), { iwae: 5 });
    expect(e.iwae).toBeLessThan(e.elbo);
  });
});
