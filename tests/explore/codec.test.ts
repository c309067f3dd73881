// encode / decode / reconstruct / prior samples on small models trained here on real digits:
// shapes, batching, determinism, the DAE's corrupted input, the hvae's two levels, no leaks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { decodeLatents, encodeImages, randomNormal, reconstruct, samplePrior } from '../../src/main/core/explore/codec.js';
import { sweepGrid } from '../../src/main/core/explore/sweep.js';
import { type VaeModel } from '../../src/main/core/model/vae.js';
import type { ModelConfig } from '../../src/main/core/types.js';
import { D, digits, meanAbsDiff, noLeak, slice, trainSmall, type Digits } from './small-models.js';

let vae: VaeModel;
let dae: VaeModel;
let hvae: VaeModel;
let test: Digits;

beforeAll(async () => {
  await initBackend('wasm');
  const d = await digits();
  test = d.test;
  const base: Omit<ModelConfig, 'model' | 'latent'> = { family: 'mlp', hidden: [128], likelihood: 'bernoulli', beta: 1 };
  vae = trainSmall({ ...base, model: 'vae', latent: 4 }, d.train, 250);
  dae = trainSmall({ ...base, model: 'dae', latent: 4, noise: { kind: 'mask', level: 0.5 } }, d.train, 250);
  hvae = trainSmall({ ...base, model: 'hvae', latent: 6, latent2: 3 }, d.train, 250);
});

afterAll(() => {
  vae?.dispose();
  dae?.dispose();
  hvae?.dispose();
});

describe('randomNormal', () => {
  it('is seeded and roughly standard normal', () => {
    expect(randomNormal(10, 3)).toEqual(randomNormal(10, 3));
    expect(randomNormal(10, 3)).not.toEqual(randomNormal(10, 4));
    const v = randomNormal(20000, 9);
    let s = 0;
    let s2 = 0;
    for (const x of v) {
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / v.length)).toBeLessThan(0.03);
    expect(Math.abs(s2 / v.length - 1)).toBeLessThan(0.05);
  });
});

describe('encodeImages / decodeLatents', () => {
  it('gives [n*d] means and log-variances; batching does not change them', () => {
    const px = slice(test, 0, 500).pixels; // with the 1000 below: spans batches of 500
    const e = noLeak(() => encodeImages(vae, px));
    expect(e.mu.length).toBe(500 * 4);
    expect(e.logvar.length).toBe(500 * 4);
    expect(e.logvar.some((v) => v !== 0)).toBe(true);
    // a trained VAE is confident: posterior variance below the prior's
    expect(e.logvar.reduce((a, b) => a + b, 0) / e.logvar.length).toBeLessThan(-0.5);
    const big = new Uint8Array(1000 * D);
    big.set(px, 0);
    big.set(px, 500 * D);
    const e2 = encodeImages(vae, big);
    for (let i = 0; i < 500 * 4; i += 97) expect(e2.mu[i + 500 * 4]).toBeCloseTo(e.mu[i]!, 4);
  });

  it('AE/DAE codes have logvar zeros', () => {
    const e = encodeImages(dae, slice(test, 0, 20).pixels);
    expect(e.logvar.every((v) => v === 0)).toBe(true);
    expect(e.mu.some((v) => v !== 0)).toBe(true);
  });

  it('decode(encode(x)) resembles x, and more than another digit does', () => {
    const t = slice(test, 0, 50);
    const out = noLeak(() => decodeLatents(vae, encodeImages(vae, t.pixels).mu));
    expect(out.length).toBe(50 * D);
    const shifted = slice(test, 1, 50).pixels; // each image against its neighbour
    expect(meanAbsDiff(out, t.pixels)).toBeLessThan(meanAbsDiff(out, shifted) * 0.8);
  });

  it('checks sizes with a message', () => {
    expect(() => encodeImages(vae, new Uint8Array(D + 3))).toThrow(/not a whole number of 28x28x1 images/);
    expect(() => decodeLatents(vae, new Float32Array(7))).toThrow(/multiple of the latent size 4/);
    expect(() => encodeImages(vae, new Uint8Array(D), undefined, 2)).toThrow(/hvae/);
  });
});

describe('reconstruct', () => {
  it('VAE: output only, equal to decode of the mean', () => {
    const px = slice(test, 10, 8).pixels;
    const r = noLeak(() => reconstruct(vae, px));
    expect(r.noisy).toBeUndefined();
    expect(meanAbsDiff(r.output, decodeLatents(vae, encodeImages(vae, px).mu))).toBeLessThan(0.05);
  });

  it('DAE: corrupts the input with a fixed seed and returns it as noisy', () => {
    const px = slice(test, 10, 8).pixels;
    const a = noLeak(() => reconstruct(dae, px));
    const b = reconstruct(dae, px);
    expect(a.noisy).toBeDefined();
    expect(a.noisy!.length).toBe(px.length);
    expect(Buffer.from(a.noisy!).equals(Buffer.from(b.noisy!))).toBe(true);
    expect(Buffer.from(a.output).equals(Buffer.from(b.output))).toBe(true);
    // mask noise at 0.5: about half the ink is gone, nothing is added
    let ink = 0;
    let kept = 0;
    for (let i = 0; i < px.length; i++) {
      expect(a.noisy![i]! === 0 || a.noisy![i] === px[i]).toBe(true);
      if (px[i]! > 0) {
        ink++;
        if (a.noisy![i]! > 0) kept++;
      }
    }
    expect(kept / ink).toBeGreaterThan(0.35);
    expect(kept / ink).toBeLessThan(0.65);
    // the denoiser fills the holes back in: ink where the mask removed it
    let holeInk = 0;
    let holes = 0;
    for (let i = 0; i < px.length; i++) {
      if (px[i]! > 128 && a.noisy![i] === 0) {
        holes++;
        holeInk += a.output[i]!;
      }
    }
    expect(holeInk / holes).toBeGreaterThan(60);
  });
});

describe('samplePrior', () => {
  it('is seeded, image-shaped, and works for VAE, AE-style and hvae models', () => {
    for (const m of [vae, dae, hvae]) {
      const a = noLeak(() => samplePrior(m, 12, 5));
      expect(a.length).toBe(12 * D);
      expect(Buffer.from(a).equals(Buffer.from(samplePrior(m, 12, 5)))).toBe(true);
      expect(meanAbsDiff(a, samplePrior(m, 12, 6))).toBeGreaterThan(1);
    }
    // the first samples of a longer draw are the same: the seed fixes the sequence
    expect(Buffer.from(samplePrior(vae, 3, 5)).equals(Buffer.from(samplePrior(vae, 12, 5).subarray(0, 3 * D)))).toBe(true);
  });
});

describe('hvae levels', () => {
  it('level 2 encodes to z2 and decodes through the mean of p(z1|z2)', () => {
    const px = slice(test, 0, 30).pixels;
    const e2 = noLeak(() => encodeImages(hvae, px, undefined, 2));
    expect(e2.mu.length).toBe(30 * 3);
    const out = noLeak(() => decodeLatents(hvae, e2.mu, undefined, 2));
    expect(out.length).toBe(30 * D);
    const g = noLeak(() =>
      sweepGrid(hvae, { dims: [0, 2], range: [-2, 2], grid: 4, spacing: 'linear', base: e2.mu.slice(0, 3), level: 2 }),
    );
    expect(g.tiles.length).toBe(16 * D);
    expect(() => sweepGrid(hvae, { dims: [0, 3], range: [-2, 2], grid: 4, spacing: 'linear', base: e2.mu.slice(0, 3), level: 2 })).toThrow(
      /0\.\.2/,
    );
    // decoding level 2 is decoding level 1 at z1 = E[z1|z2]: compare against a z1 encoding
    const e1 = encodeImages(hvae, px);
    expect(e1.mu.length).toBe(30 * 6);
    expect(decodeLatents(hvae, e1.mu).length).toBe(30 * D);
  });
});
