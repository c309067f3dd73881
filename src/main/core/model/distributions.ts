// Diagonal Gaussians: densities, KL divergences, sampling. The formulas live here once; the
// priors, the model and the explore metrics all call them.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from './rng.js';

export interface Gaussian {
  /** [b, d] */
  mu: tf.Tensor2D;
  /** [b, d]; null for a deterministic encoder (ae, dae) */
  logvar: tf.Tensor2D | null;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** [b] log N(z; mu, exp(logvar)) summed over dims */
export function logNormal(z: tf.Tensor2D, mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Tensor1D {
  const t = tf.add(tf.mul(tf.squaredDifference(z, mu), tf.exp(tf.neg(logvar))), tf.add(logvar, LOG_2PI));
  return tf.mul(tf.sum(t, 1), -0.5);
}

/** [b] log N(z; 0, I) */
export function logStdNormal(z: tf.Tensor2D): tf.Tensor1D {
  return tf.mul(tf.sum(tf.add(tf.square(z), LOG_2PI), 1), -0.5);
}

/** [b, d] KL(N(mu, exp(logvar)) || N(0, 1)) per dimension (what ranks the latent dimensions) */
export function klStdNormalPerDim(mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), tf.add(logvar, 1)), 0.5);
}

/** [b] KL(N(mu, exp(logvar)) || N(0, I)) summed over dims */
export function klStdNormal(mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Tensor1D {
  // halving is exact in floating point, so summing the per-dimension terms gives the same bits
  return tf.sum(klStdNormalPerDim(mu, logvar), 1);
}

/** [b, d] KL(N(m1, v1) || N(m2, v2)) per dimension */
export function klGaussians(mu1: tf.Tensor2D, lv1: tf.Tensor2D, mu2: tf.Tensor2D, lv2: tf.Tensor2D): tf.Tensor2D {
  const t = tf.div(tf.add(tf.exp(lv1), tf.squaredDifference(mu1, mu2)), tf.exp(lv2));
  return tf.mul(tf.sub(tf.add(t, lv2), tf.add(lv1, 1)), 0.5);
}

/** [b, d] standard normal noise from the rng */
export function normalNoise(rng: Rng, b: number, d: number): tf.Tensor2D {
  return tf.tensor2d(rng.fillNormal(new Float32Array(b * d)), [b, d]);
}

/** z = mu + exp(logvar / 2) * eps; a deterministic encoder's point as it is */
export function reparameterize(g: Gaussian, rng: Rng): tf.Tensor2D {
  if (!g.logvar) return g.mu;
  const [b, d] = g.mu.shape;
  return tf.add(g.mu, tf.mul(tf.exp(tf.mul(g.logvar, 0.5)), normalNoise(rng, b, d)));
}
