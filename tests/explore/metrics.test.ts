// Per-dimension KL, per-image loss, ELBO and the IWAE bound on small models trained here on
// real digits. The bound's order (k = 100 <= k = 10 <= k = 1 = ELBO, up to Monte Carlo noise)
// is the check that the importance weights are right.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { encodeImages } from '../../src/main/core/explore/codec.js';
import { evaluate, perDimensionKl, perImageLoss } from '../../src/main/core/explore/metrics.js';
import { sweepGrid } from '../../src/main/core/explore/sweep.js';
import { createModel, klStdNormal, type VaeModel } from '../../src/main/core/model/vae.js';
import type { ModelConfig } from '../../src/main/core/types.js';
import { D, digits, meanAbsDiff, noLeak, SHAPE, slice, trainSmall, type Digits } from './small-models.js';

let vae: VaeModel;
let ae: VaeModel;
let test: Digits;
const L = 8;

beforeAll(async () => {
  await initBackend('wasm');
  const d = await digits();
  test = d.test;
  const base: Omit<ModelConfig, 'model' | 'latent'> = { family: 'mlp', hidden: [128], likelihood: 'bernoulli', beta: 1 };
  vae = trainSmall({ ...base, model: 'vae', latent: L }, d.train, 400);
  ae = trainSmall({ ...base, model: 'ae', latent: L }, d.train, 200);
});

afterAll(() => {
  vae?.dispose();
  ae?.dispose();
});

describe('perDimensionKl', () => {
  it('adds up to the analytic KL and matches the variance of the encoded means', () => {
    const px = slice(test, 0, 300).pixels;
    const k = noLeak(() => perDimensionKl(vae, px));
    expect(k.kl).toHaveLength(L);
    expect(k.muVariance).toHaveLength(L);
    // the sum over dims is the per-image KL the loss uses, averaged over images
    const total = tf.tidy(() => {
      const f = Float32Array.from(px, (v) => v / 255);
      const q = vae.encode(tf.tensor2d(f, [300, D]));
      return tf.mean(klStdNormal(q.mu, q.logvar!)).dataSync()[0]!;
    });
    expect(k.kl.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 2);
    const { mu } = encodeImages(vae, px);
    for (let d = 0; d < L; d++) {
      let m = 0;
      for (let i = 0; i < 300; i++) m += mu[i * L + d]! / 300;
      let v = 0;
      for (let i = 0; i < 300; i++) v += (mu[i * L + d]! - m) ** 2 / 300;
      expect(k.muVariance[d]).toBeCloseTo(v, 4);
    }
    expect(k.activeUnits).toBe(k.muVariance.filter((v) => v > 0.01).length);
    expect(k.activeUnits).toBeGreaterThan(0);
  });

  it('ranks dims by how much they move the decoded image', () => {
    const px = slice(test, 0, 300).pixels;
    const k = perDimensionKl(vae, px);
    const order = k.kl.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
    const [top, bottom] = [order[0]![1], order[L - 1]![1]];
    console.log(`per-dim KL (nats): ${k.kl.map((v) => v.toFixed(2)).join(' ')}; active units ${k.activeUnits}/${L}`);
    // sweep one dim at a time (the other swept dim is the same one): how much do tiles change?
    const effect = (d: number): number => {
      const g = sweepGrid(vae, { dims: [d, d], range: [-2, 2], grid: 5, spacing: 'linear', base: new Float32Array(L) });
      return meanAbsDiff(g.tiles.subarray(0, D), g.tiles.subarray(4 * 5 * D, (4 * 5 + 1) * D));
    };
    expect(k.kl[top]!).toBeGreaterThan(k.kl[bottom]!);
    expect(effect(top)).toBeGreaterThan(effect(bottom));
  });

  it('AE: KL zeros, variance still ranks', () => {
    const k = noLeak(() => perDimensionKl(ae, slice(test, 0, 200).pixels));
    expect(k.kl.every((v) => v === 0)).toBe(true);
    expect(k.muVariance.some((v) => v > 0.01)).toBe(true);
  });
});

describe('perImageLoss', () => {
  it('is the per-image negative ELBO: seeded, its mean is evaluate().elbo, a broken image scores worst', () => {
    const t = slice(test, 0, 60);
    const px = new Uint8Array(61 * D);
    px.set(t.pixels);
    // image 60: a photographic negative of image 0, nothing like a digit
    for (let j = 0; j < D; j++) px[60 * D + j] = 255 - t.pixels[j]!;
    const a = noLeak(() => perImageLoss(vae, px));
    expect(a).toHaveLength(61);
    expect(Array.from(a)).toEqual(Array.from(perImageLoss(vae, px)));
    const worst = a.indexOf(Math.max(...a));
    expect(worst).toBe(60);
    const ev = evaluate(vae, px, undefined, { iwae: 1 });
    expect(a.reduce((s, v) => s + v, 0) / 61).toBeCloseTo(ev.elbo, 2);
  });
});

describe('evaluate', () => {
  const px = () => slice(test, 100, 100).pixels;

  it('the IWAE bound: k = 1 is the ELBO, and more samples never make it worse', () => {
    const seeds = [1, 2, 3, 4];
    const runs = (k: number) => seeds.map((seed) => evaluate(vae, px(), undefined, { iwae: k, seed }));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const r1 = noLeak(() => runs(1));
    const r10 = runs(10);
    const r100 = runs(100);
    const elbo = mean(r1.map((r) => r.elbo));
    const i1 = mean(r1.map((r) => r.iwae));
    const i10 = mean(r10.map((r) => r.iwae));
    const i100 = mean(r100.map((r) => r.iwae));
    // seed-to-seed spread of one estimate: the Monte Carlo noise we allow
    const spread = Math.max(...r1.map((r) => r.elbo)) - Math.min(...r1.map((r) => r.elbo));
    console.log(
      `100 test digits, -ELBO ${elbo.toFixed(2)} (seed spread ${spread.toFixed(2)}), -IWAE k=1 ${i1.toFixed(2)}, k=10 ${i10.toFixed(2)}, k=100 ${i100.toFixed(2)} nats`,
    );
    expect(elbo).toBeGreaterThan(60);
    expect(elbo).toBeLessThan(250);
    // the range of 4 estimates is about 4 standard errors of their mean
    const noise = Math.max(0.5, spread);
    expect(Math.abs(i1 - elbo)).toBeLessThan(noise);
    expect(i10).toBeLessThan(i1 + noise / 4);
    expect(i100).toBeLessThan(i10 + noise / 4);
    // the gain is real, not noise: k = 100 is clearly below the ELBO
    expect(elbo - i100).toBeGreaterThan(Math.max(1, noise / 2));
  });

  it('splits k > rows-per-pass into blocks with the same answer as one pass', () => {
    // 3 images x 2500 samples: 2 images per pass, each in 2 blocks of 2500 at 5000 rows
    const p = slice(test, 0, 3).pixels;
    const r = noLeak(() => evaluate(vae, p, undefined, { iwae: 2500, seed: 7 }));
    const r2 = evaluate(vae, p, undefined, { iwae: 2500, seed: 8 });
    expect(Math.abs(r.iwae - r2.iwae)).toBeLessThan(1);
    expect(r.iwae).toBeLessThan(r.elbo);
  });

  it('mse and psnr of the mean reconstruction', () => {
    const r = evaluate(vae, px(), undefined, { iwae: 1 });
    expect(r.mse).toBeGreaterThan(0);
    expect(r.mse).toBeLessThan(0.08);
    expect(r.psnr).toBeCloseTo(10 * Math.log10(1 / r.mse), 9);
    // against a hand computation through encode/decode
    const want = tf.tidy(() => {
      const x = tf.tensor2d(
        Float32Array.from(px(), (v) => v / 255),
        [100, D],
      );
      return tf.mean(tf.squaredDifference(vae.decode(vae.encode(x).mu), x)).dataSync()[0]!;
    });
    expect(r.mse).toBeCloseTo(want, 5);
  });

  it('AE: the reconstruction term as elbo, no bound', () => {
    const r = noLeak(() => evaluate(ae, px(), undefined, { iwae: 10 }));
    expect(Number.isNaN(r.iwae)).toBe(true);
    expect(r.elbo).toBeGreaterThan(0);
    const per = perImageLoss(ae, px());
    expect(per.reduce((a, b) => a + b, 0) / 100).toBeCloseTo(r.elbo, 2);
  });

  it('rejects a bad k', () => {
    expect(() => evaluate(vae, px(), undefined, { iwae: 0 })).toThrow(/iwae must be an integer >= 1/);
  });
});

describe('binarized likelihood', () => {
  it('scores one fixed binary draw per image: seeded, and the bound still tightens with k', () => {
    // the trained weights under the 'binarized' likelihood (same network, binary targets)
    const bin = createModel({ ...vae.config, likelihood: 'binarized' }, SHAPE, 10, 1);
    try {
      bin.setWeights(vae.getWeights());
      const p = slice(test, 0, 50).pixels;
      const a = noLeak(() => evaluate(bin, p, undefined, { iwae: 50, seed: 3 }));
      const b = evaluate(bin, p, undefined, { iwae: 50, seed: 3 });
      expect(b).toEqual(a);
      expect(a.iwae).toBeLessThan(a.elbo);
      // the ELBO pass and perImageLoss see the same binary images for the same seed
      const per = perImageLoss(bin, p, undefined, 3);
      expect(per.reduce((s, v) => s + v, 0) / 50).toBeCloseTo(a.elbo, 2);
    } finally {
      bin.dispose();
    }
  });
});
