// The PCA baseline: it recovers a known low-rank set of images, ranks its directions by
// variance, and on real digits more components reconstruct better.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { fitPca, pcaError } from '../../src/main/core/explore/index.js';
import { mnistSubset } from '../train/mnist-subset.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** n images of D pixels: 128 + three orthogonal directions with spreads 40, 20, 8 (in 0..255) */
function lowRank(n: number, D: number, seed: number): Uint8Array {
  const out = new Uint8Array(n * D);
  let s = seed;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const dirs = [0, 1, 2].map((j) =>
    Float64Array.from({ length: D }, (_, i) => Math.cos((Math.PI * (j + 1) * (i + 0.5)) / D) * Math.sqrt(2 / D)),
  );
  const spreads = [40, 20, 8].map((v) => v * Math.sqrt(D / 2));
  for (let r = 0; r < n; r++) {
    const a = spreads.map((v) => v * u());
    for (let i = 0; i < D; i++) out[r * D + i] = Math.round(128 + a.reduce((t, c, j) => t + c * dirs[j]![i]!, 0));
  }
  return out;
}

describe('PCA baseline', () => {
  it('recovers a rank-3 set of images: three components leave only the rounding, two do not', () => {
    const D = 48;
    const train = lowRank(400, D, 1);
    const test = lowRank(100, D, 2);
    const three = fitPca(train, D, 3);
    expect(three.variances[0]!).toBeGreaterThan(three.variances[1]!);
    expect(three.variances[1]!).toBeGreaterThan(three.variances[2]!);
    const basis = tf.tensor2d(three.basis, [D, 3]);
    const gram = tf.matMul(tf.transpose(basis), basis).arraySync() as number[][];
    gram.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 4)));
    tf.dispose(basis);
    const e3 = pcaError(three, test);
    // rounding to bytes: variance 1/12 of a level, (1/255)^2 / 12 ~ 1.3e-6 per pixel
    expect(e3.mse).toBeLessThan(3e-6);
    expect(pcaError(fitPca(train, D, 2), test).mse).toBeGreaterThan(100 * e3.mse);
  });

  it('on real digits: more components reconstruct the test images better, with PSNR in a sane range', async () => {
    const ds = await mnistSubset(1000, 200);
    const train = ds.pixels.subarray(0, 1000 * 784);
    const test = ds.pixels.subarray(1000 * 784);
    const before = tf.memory().numTensors;
    const [e5, e20] = [5, 20].map((k) => pcaError(fitPca(train, 784, k), test));
    expect(tf.memory().numTensors).toBe(before);
    expect(e20!.mse).toBeLessThan(e5!.mse * 0.7);
    expect(e20!.psnr).toBeGreaterThan(14);
    expect(e20!.psnr).toBeLessThan(30);
  });

  it('refuses arguments that do not fit, naming them', () => {
    expect(() => fitPca(new Uint8Array(10), 5, 3)).toThrow(/components must be an integer 1\.\.2, got 3/);
    expect(() => fitPca(new Uint8Array(7), 5, 1)).toThrow(/pixels must hold at least 2 images of 5 bytes/);
  });
});
