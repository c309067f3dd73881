// Noise on the input batch: the denoising autoencoder's corruption and the dynamic
// binarization of the 'binarized' likelihood. Both draw from the pass's rng, so a seeded pass
// sees the same corrupted images every time.
import * as tf from '@tensorflow/tfjs-core';
import type { Likelihood, NoiseKind } from '../types.js';
import { normalNoise } from './distributions.js';
import type { Rng } from './rng.js';

/** Corrupts x [b, D] in 0..1 (denoising input); the target stays clean. */
export function corrupt(x: tf.Tensor2D, noise: { kind: NoiseKind; level: number }, rng: Rng): tf.Tensor2D {
  const [b, d] = x.shape;
  if (noise.level <= 0) return x;
  if (noise.kind === 'gaussian') {
    return tf.clipByValue(tf.add(x, tf.mul(normalNoise(rng, b, d), noise.level)), 0, 1) as tf.Tensor2D;
  }
  const u = tf.tensor2d(rng.fillUniform(new Float32Array(b * d)), [b, d]);
  const hit = tf.less(u, noise.level);
  if (noise.kind === 'mask') return tf.where(hit, tf.zerosLike(x), x) as tf.Tensor2D;
  // salt-and-pepper: a hit pixel becomes 0 or 1 with equal odds (u / level is uniform again)
  const salt = tf.cast(tf.greaterEqual(tf.div(u, noise.level), 0.5), 'float32');
  return tf.where(hit, salt, x) as tf.Tensor2D;
}

/** Bernoulli sample of x [b, D] (dynamic binarization). */
export function binarize(x: tf.Tensor2D, rng: Rng): tf.Tensor2D {
  const [b, d] = x.shape;
  const u = tf.tensor2d(rng.fillUniform(new Float32Array(b * d)), [b, d]);
  return tf.cast(tf.less(u, x), 'float32') as tf.Tensor2D;
}

/**
 * The batch as the model sees it: `input` feeds the encoder, `target` is what the likelihood
 * scores. Binarized: the binary sample is both. Corruption applies to training passes only.
 */
export function prepareBatch(
  x: tf.Tensor2D,
  cfg: { likelihood: Likelihood; noise?: { kind: NoiseKind; level: number } },
  training: boolean,
  rng: Rng,
): { input: tf.Tensor2D; target: tf.Tensor2D } {
  const target = cfg.likelihood === 'binarized' ? binarize(x, rng) : x;
  const input = training && cfg.noise && cfg.noise.level > 0 ? corrupt(target, cfg.noise, rng) : target;
  return { input, target };
}
