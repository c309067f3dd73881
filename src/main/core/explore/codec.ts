// explore/: written by the explore engineer (split off by the lead); the ML-engine engineer builds on it, does not rewrite it.
// Images in, latents out and back: encode, decode, reconstruct, prior samples. Plain typed
// arrays at the boundary; every tensor lives inside a tf.tidy per batch.
import * as tf from '@tensorflow/tfjs-core';
import { corrupt, type VaeModel } from '../model/vae.js';
import { Rng } from '../model/rng.js';
import {
  BATCH,
  checkLabels,
  decodeRows,
  imageCount,
  labelBatch,
  latentAt,
  pixelBatch,
  rowLabels,
  writeBytes,
  type Level,
} from './tensors.js';

/** Fixed seed of the corruption shown by reconstruct (the same noisy inputs on every redraw). */
export const RECONSTRUCT_NOISE_SEED = 0x6e015e;

/** n standard normal numbers from a seed (our sfc32 Rng, so a seed means the same draw everywhere). */
export function randomNormal(n: number, seed: number): Float32Array {
  if (!Number.isInteger(n) || n < 0) throw new Error(`explore.randomNormal: n must be an integer >= 0, got ${n}`);
  return new Rng(seed).fillNormal(new Float32Array(n));
}

/**
 * Posterior parameters of q(z|x) per image, [n * d] row-major. AE/DAE: mu is the code and
 * logvar is zeros. hvae level t: q(z_t|z_{t-1}) along the chain of means (level 2: q(z2|z1) at z1 = the mean of q(z1|x)).
 */
export function encodeImages(
  m: VaeModel,
  pixels: Uint8Array,
  labels?: Int32Array,
  level?: Level,
): { mu: Float32Array; logvar: Float32Array } {
  const n = imageCount(m, pixels, 'encodeImages');
  const ys = checkLabels(m, labels, n, 'encodeImages');
  const d = latentAt(m, level, 'encodeImages');
  const mu = new Float32Array(n * d);
  const logvar = new Float32Array(n * d);
  for (let s = 0; s < n; s += BATCH) {
    const b = Math.min(BATCH, n - s);
    tf.tidy(() => {
      let q = m.encode(pixelBatch(pixels, s, b, m.inputSize), labelBatch(m, ys, s, b));
      for (let t = 2; t <= (level ?? 1); t++) q = m.encodeLevel!(t, q.mu);
      mu.set(q.mu.dataSync(), s * d);
      if (q.logvar) logvar.set(q.logvar.dataSync(), s * d);
    });
  }
  return { mu, logvar };
}

/**
 * Mean images (uint8 [n, h, w, c]) of latents z [n * d]. labels: one class for all rows or
 * one per row (conditional models). hvae level t: z is z_t, decoded down the chain of means of p(z_{t-1}|z_t).
 */
export function decodeLatents(m: VaeModel, z: Float32Array, labels?: Int32Array | number, level?: Level, shrink = 1): Uint8Array {
  const d = latentAt(m, level, 'decodeLatents');
  if (z.length % d !== 0) throw new Error(`explore.decodeLatents: z holds ${z.length} numbers, not a multiple of the latent size ${d}`);
  const rows = z.length / d;
  return decodeRows(m, z, rows, rowLabels(m, labels, rows, 'decodeLatents'), level, shrink);
}

/**
 * decode(mean of q(z|x)) per image. A model trained with input corruption (config.noise, the
 * DAE) sees a corrupted copy (fixed seed), returned as `noisy` so the UI can show all three.
 */
export function reconstruct(m: VaeModel, pixels: Uint8Array, labels?: Int32Array): { noisy?: Uint8Array; output: Uint8Array } {
  const n = imageCount(m, pixels, 'reconstruct');
  const ys = checkLabels(m, labels, n, 'reconstruct');
  const noise = m.config.noise && m.config.noise.level > 0 ? m.config.noise : undefined;
  const rng = new Rng(RECONSTRUCT_NOISE_SEED);
  const output = new Uint8Array(n * m.inputSize);
  const noisy = noise ? new Uint8Array(n * m.inputSize) : undefined;
  for (let s = 0; s < n; s += BATCH) {
    const b = Math.min(BATCH, n - s);
    tf.tidy(() => {
      let x = pixelBatch(pixels, s, b, m.inputSize);
      if (noise) {
        x = corrupt(x, noise, rng);
        writeBytes(x, noisy!, s * m.inputSize);
      }
      const y = labelBatch(m, ys, s, b);
      writeBytes(m.decode(m.encode(x, y).mu, y), output, s * m.inputSize);
    });
  }
  return noisy ? { noisy, output } : { output };
}

/**
 * n images decoded (mean of p(x|z)) from z ~ N(0, I); hvae: z_T ~ N(0, I), then z_t ~ p(z_t|z_{t+1}) down to z1.
 * AE/DAE too: their codes were never pushed towards N(0, I), which is what the user should see.
 */
export function samplePrior(m: VaeModel, n: number, seed: number, label?: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0) throw new Error(`explore.samplePrior: n must be an integer >= 0, got ${n}`);
  const ys = rowLabels(m, label, n, 'samplePrior');
  const rng = new Rng(seed);
  if (m.priorZ && ys) {
    // a CVAE with a learned prior: z ~ p(z|y) = mu_y + sigma_y * eps
    const eps = rng.fillNormal(new Float32Array(n * m.latent));
    const z = new Float32Array(n * m.latent);
    for (let s = 0; s < n; s += BATCH) {
      const b = Math.min(BATCH, n - s);
      const zb = tf.tidy(() => {
        const p = m.priorZ!(labelBatch(m, ys, s, b)!);
        const e = tf.tensor2d(eps.subarray(s * m.latent, (s + b) * m.latent), [b, m.latent]);
        return tf.add(p.mu, tf.mul(tf.exp(tf.mul(p.logvar!, 0.5)), e));
      });
      z.set(zb.dataSync() as Float32Array, s * m.latent);
      zb.dispose();
    }
    return decodeRows(m, z, n, ys, 1);
  }
  if (!(m.latent2 > 0 && m.priorZ1)) return decodeRows(m, rng.fillNormal(new Float32Array(n * m.latent)), n, ys, 1);
  // hvae, T levels: all z_T first, then all eps of each level downwards (T = 2: z2, then eps1),
  // so the same seed gives the same samples for any n split into batches
  const sizes = m.latentSizes;
  const T = sizes.length;
  const top = rng.fillNormal(new Float32Array(n * sizes[T - 1]!));
  const eps: Float32Array[] = [];
  for (let t = T - 1; t >= 1; t--) eps[t] = rng.fillNormal(new Float32Array(n * sizes[t - 1]!));
  const rows = (a: Float32Array, t: number, s: number, b: number) =>
    tf.tensor2d(a.subarray(s * sizes[t - 1]!, (s + b) * sizes[t - 1]!), [b, sizes[t - 1]!]);
  const out = new Uint8Array(n * m.inputSize);
  for (let s = 0; s < n; s += BATCH) {
    const b = Math.min(BATCH, n - s);
    tf.tidy(() => {
      let z = rows(top, T, s, b);
      for (let t = T - 1; t >= 1; t--) {
        const p = t === 1 ? m.priorZ1!(z) : m.priorLevel!(t, z);
        z = tf.add(p.mu, tf.mul(tf.exp(tf.mul(p.logvar!, 0.5)), rows(eps[t]!, t, s, b))) as tf.Tensor2D;
      }
      writeBytes(m.decode(z, labelBatch(m, ys, s, b)), out, s * m.inputSize);
    });
  }
  return out;
}

/** CVAE with a learned prior: the mean of p(z | y) for one class. */
export function priorMean(m: VaeModel, label: number): Float32Array {
  if (!m.priorZ) throw new Error(`explore.priorMean: this ${m.config.model} has no learned prior`);
  const ys = rowLabels(m, label, 1, 'priorMean')!;
  return tf.tidy(() => m.priorZ!(labelBatch(m, ys, 0, 1)!).mu.dataSync() as Float32Array).slice();
}

/**
 * CVAE with a learned prior (forms 1 and 4): p(z | y) of every class, K rows of the latent's
 * width each: the means and the standard deviations (where each class's codes are meant to live).
 */
export function classPriors(m: VaeModel): { mu: Float32Array; sd: Float32Array; classes: number } {
  if (!m.priorZ) throw new Error(`explore.classPriors: this ${m.config.model} has no learned prior`);
  const K = m.numClasses;
  const ys = Int32Array.from({ length: K }, (_, c) => c);
  return tf.tidy(() => {
    const p = m.priorZ!(labelBatch(m, ys, 0, K)!);
    const sd = tf.exp(tf.mul(p.logvar!, 0.5));
    return { mu: (p.mu.dataSync() as Float32Array).slice(), sd: (sd.dataSync() as Float32Array).slice(), classes: K };
  });
}
