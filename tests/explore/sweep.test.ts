// Sweep values, 2-D sweep grids, interpolation and nearest neighbours on a small VAE trained
// here on real digits; the grid redraw time on the reference 784-400-20 model.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { decodeLatents, encodeImages, randomNormal } from '../../src/main/core/explore/codec.js';
import { nearestTraining } from '../../src/main/core/explore/neighbours.js';
import { interpolate, inverseNormalCdf, sweepGrid, sweepValues } from '../../src/main/core/explore/sweep.js';
import { createModel, type VaeModel } from '../../src/main/core/model/vae.js';
import { D, digits, meanAbsDiff, noLeak, SHAPE, slice, trainSmall, type Digits } from './small-models.js';

let vae: VaeModel;
let test: Digits;
let train: Digits;

beforeAll(async () => {
  await initBackend('wasm');
  ({ train, test } = await digits());
  vae = trainSmall({ model: 'vae', family: 'mlp', latent: 4, hidden: [128], likelihood: 'bernoulli', beta: 1 }, train, 300);
});

afterAll(() => vae?.dispose());

describe('sweepValues', () => {
  it('inverse normal CDF matches known quantiles', () => {
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959964, 6);
    expect(inverseNormalCdf(0.025)).toBeCloseTo(-1.959964, 6);
    expect(inverseNormalCdf(0.5)).toBe(0);
    expect(inverseNormalCdf(0.8413447460685429)).toBeCloseTo(1, 6);
    expect(inverseNormalCdf(0.001)).toBeCloseTo(-3.090232, 5); // lower tail branch
    expect(inverseNormalCdf(1 - 1e-6)).toBeCloseTo(4.753424, 4); // upper tail branch
    expect(inverseNormalCdf(0)).toBe(-Infinity);
    expect(() => inverseNormalCdf(1.5)).toThrow(/\[0, 1\]/);
  });

  it('linear: evenly spaced, both ends included', () => {
    expect(sweepValues([-3, 3], 4, 'linear')).toEqual([-3, -1, 1, 3]);
    expect(sweepValues([0, 1], 5, 'linear')).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(sweepValues([-2, 2], 1, 'linear')).toEqual([0]);
  });

  it('normal: ends at the range, symmetric, increasing, denser in the middle', () => {
    for (const n of [2, 5, 10, 16, 33]) {
      const v = sweepValues([-3, 3], n, 'normal');
      expect(v).toHaveLength(n);
      expect(v[0]).toBe(-3);
      expect(v[n - 1]).toBe(3);
      for (let i = 0; i < n; i++) expect(v[i]! + v[n - 1 - i]!).toBeCloseTo(0, 12);
      for (let i = 1; i < n; i++) expect(v[i]!).toBeGreaterThan(v[i - 1]!);
      if (n > 3) expect(v[Math.floor(n / 2)]! - v[Math.floor(n / 2) - 1]!).toBeLessThan(v[1]! - v[0]!);
    }
    // quantiles (i + 0.5)/n: with n = 10 the outer one is Phi^-1(0.05), scaled to 3
    const v = sweepValues([-3, 3], 10, 'normal');
    expect(v[8]).toBeCloseTo((3 * inverseNormalCdf(0.85)) / inverseNormalCdf(0.95), 9);
    expect(v[5]).toBeCloseTo((3 * inverseNormalCdf(0.55)) / inverseNormalCdf(0.95), 9);
    // an asymmetric range keeps its ends and is symmetric about its middle
    const w = sweepValues([1, 5], 7, 'normal');
    expect(w[0]).toBe(1);
    expect(w[6]).toBe(5);
    expect(w[3]).toBeCloseTo(3, 12);
  });

  it('rejects bad arguments with a message', () => {
    expect(() => sweepValues([-3, 3], 0, 'linear')).toThrow(/n must be/);
    expect(() => sweepValues([-3, Infinity], 4, 'linear')).toThrow(/finite/);
  });
});

describe('sweepGrid', () => {
  const spec = (base: Float32Array, grid = 6) => ({
    dims: [0, 1] as [number, number],
    range: [-2, 2] as [number, number],
    grid,
    spacing: 'linear' as const,
    base,
  });

  it('returns grid*grid tiles, x ascending, y descending', () => {
    const g = noLeak(() => sweepGrid(vae, spec(new Float32Array(4), 7)));
    expect(g.tiles).toBeInstanceOf(Uint8Array);
    expect(g.tiles.length).toBe(7 * 7 * D);
    expect(g.xValues).toEqual(sweepValues([-2, 2], 7, 'linear'));
    expect(g.yValues).toEqual([...g.xValues].reverse());
    expect(g.yValues[0]).toBe(2);
  });

  it('each tile is decode(base with the two dims set): x along columns, y down rows', () => {
    const base = randomNormal(4, 11);
    const g = sweepGrid(vae, spec(base));
    const G = 6;
    // rebuild every tile's latent by hand and decode them one by one
    for (const [r, c] of [
      [0, 0],
      [0, 5],
      [5, 0],
      [2, 3],
      [5, 5],
    ] as const) {
      const z = Float32Array.from(base);
      z[0] = g.xValues[c]!;
      z[1] = g.yValues[r]!;
      const want = decodeLatents(vae, z);
      const got = g.tiles.subarray((r * G + c) * D, (r * G + c + 1) * D);
      expect(meanAbsDiff(got, want)).toBeLessThan(0.05);
    }
    // the x dim matters: tiles of one row differ across columns, and of one column across rows
    const tile = (r: number, c: number) => g.tiles.subarray((r * G + c) * D, (r * G + c + 1) * D);
    expect(meanAbsDiff(tile(2, 0), tile(2, 5))).toBeGreaterThan(2);
    expect(meanAbsDiff(tile(0, 2), tile(5, 2))).toBeGreaterThan(2);
  });

  it('pinned dims stay fixed: the same base gives identical tiles, another base other tiles', () => {
    const a = encodeImages(vae, slice(test, 0, 1).pixels).mu;
    const b = encodeImages(vae, slice(test, 1, 1).pixels).mu;
    const g1 = sweepGrid(vae, { ...spec(a), dims: [2, 3] });
    const g2 = sweepGrid(vae, { ...spec(Float32Array.from(a)), dims: [2, 3] });
    expect(Buffer.from(g1.tiles).equals(Buffer.from(g2.tiles))).toBe(true);
    const g3 = sweepGrid(vae, { ...spec(b), dims: [2, 3] });
    expect(meanAbsDiff(g1.tiles, g3.tiles)).toBeGreaterThan(1);
    // changing only a swept dim of the base changes nothing: it is overwritten
    const a2 = Float32Array.from(a);
    a2[2]! += 5;
    a2[3]! -= 5;
    expect(Buffer.from(sweepGrid(vae, { ...spec(a2), dims: [2, 3] }).tiles).equals(Buffer.from(g1.tiles))).toBe(true);
  });

  it('shrink: each tile is the full tile area-averaged (a partial last block dropped), no tensor left', () => {
    const base = randomNormal(4, 5);
    const full = sweepGrid(vae, spec(base, 4));
    for (const k of [2, 3]) {
      const small = noLeak(() => sweepGrid(vae, { ...spec(base, 4), shrink: k }));
      const s = Math.floor(28 / k);
      expect(small.xValues).toEqual(full.xValues);
      expect(small.tiles.length).toBe(16 * s * s);
      let worst = 0;
      for (let t = 0; t < 16; t++)
        for (let y = 0; y < s; y++)
          for (let x = 0; x < s; x++) {
            let sum = 0;
            for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) sum += full.tiles[t * D + (y * k + dy) * 28 + x * k + dx]!;
            // the full tiles were rounded to bytes before this mean, the shrunk ones after it
            worst = Math.max(worst, Math.abs(small.tiles[t * s * s + y * s + x]! - sum / (k * k)));
          }
      expect(worst).toBeLessThanOrEqual(1);
    }
    expect(() => sweepGrid(vae, { ...spec(base), shrink: 29 })).toThrow(/shrink must be an integer 1\.\.28/);
  });

  it('checks its arguments', () => {
    expect(() => sweepGrid(vae, { ...spec(new Float32Array(4)), dims: [0, 4] })).toThrow(/not a latent dimension/);
    expect(() => sweepGrid(vae, spec(new Float32Array(3)))).toThrow(/base has 3 values/);
    expect(() => sweepGrid(vae, { ...spec(new Float32Array(4)), level: 2 })).toThrow(/hvae/);
  });

  it('redraws a 16x16 grid of the reference 784-400-20 VAE in under 16 ms on wasm', () => {
    const ref = createModel({ model: 'vae', family: 'mlp', latent: 20, hidden: [400], likelihood: 'bernoulli', beta: 1 }, SHAPE, 0, 3);
    try {
      const s = {
        dims: [0, 1] as [number, number],
        range: [-3, 3] as [number, number],
        grid: 16,
        spacing: 'normal' as const,
        base: randomNormal(20, 5),
      };
      for (let i = 0; i < 5; i++) sweepGrid(ref, s);
      const times: number[] = [];
      noLeak(() => {
        for (let i = 0; i < 30; i++) {
          const t = performance.now();
          sweepGrid(ref, s);
          times.push(performance.now() - t);
        }
      });
      times.sort((a, b) => a - b);
      console.log(
        `16x16 grid, 784-400-20 VAE on ${tf.getBackend()}: best ${times[0]!.toFixed(2)} ms, median ${times[15]!.toFixed(2)} ms (30 redraws)`,
      );
      // the best of 30 is what the code can do; the median also pays for whoever shares the CPU
      expect(times[0]!).toBeLessThan(16);
    } finally {
      ref.dispose();
    }
  });
});

describe('interpolate', () => {
  it('has `steps` images whose ends are decode(za) and decode(zb), linear and slerp', () => {
    const e = encodeImages(vae, slice(test, 3, 2).pixels);
    const za = e.mu.slice(0, 4);
    const zb = e.mu.slice(4, 8);
    const da = decodeLatents(vae, za);
    const db = decodeLatents(vae, zb);
    for (const mode of ['linear', 'slerp'] as const) {
      const strip = noLeak(() => interpolate(vae, za, zb, 8, mode));
      expect(strip.length).toBe(8 * D);
      expect(meanAbsDiff(strip.subarray(0, D), da)).toBeLessThan(0.05);
      expect(meanAbsDiff(strip.subarray(7 * D), db)).toBeLessThan(0.05);
      // the middle is neither end
      expect(meanAbsDiff(strip.subarray(4 * D, 5 * D), da)).toBeGreaterThan(1);
    }
    // slerp and linear differ in between (the vectors are not parallel)
    expect(meanAbsDiff(interpolate(vae, za, zb, 8, 'linear'), interpolate(vae, za, zb, 8, 'slerp'))).toBeGreaterThan(0);
    // parallel vectors: slerp falls back to the straight line
    const z2 = za.map((v) => v * 2);
    expect(Buffer.from(interpolate(vae, za, z2, 5, 'slerp')).equals(Buffer.from(interpolate(vae, za, z2, 5, 'linear')))).toBe(true);
  });
});

describe('nearestTraining', () => {
  it('finds an exact copy at distance 0 and agrees with brute force', () => {
    const q = train.pixels.slice(1234 * D, 1235 * D);
    const r = nearestTraining(train.pixels, train.n, q, 5);
    expect(r.indices[0]).toBe(1234);
    expect(r.distances[0]).toBe(0);
    expect(r.indices).toHaveLength(5);
    for (let i = 1; i < 5; i++) expect(r.distances[i]!).toBeGreaterThanOrEqual(r.distances[i - 1]!);
    // a test digit: brute force over all 2000
    const t = test.pixels.slice(7 * D, 8 * D);
    const all = Array.from({ length: train.n }, (_, i) => {
      let s = 0;
      for (let j = 0; j < D; j++) s += (train.pixels[i * D + j]! - t[j]!) ** 2;
      return { i, d: Math.sqrt(s) };
    }).sort((a, b) => a.d - b.d);
    const got = nearestTraining(train.pixels, train.n, t, 3);
    expect(got.indices).toEqual(all.slice(0, 3).map((a) => a.i));
    got.distances.forEach((d, k) => expect(d).toBeCloseTo(all[k]!.d, 9));
    expect(() => nearestTraining(train.pixels, train.n + 1, t, 3)).toThrow(/fewer than/);
  });
});
