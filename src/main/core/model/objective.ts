// The importance-weighted objective (Burda et al. 2016): k samples of z per image, and the
// loss is -(logsumexp_k w_k - log k) with w = log p(x|z) + beta (log p(z) - log q(z|x)).
// With k = 1 the model takes its ELBO path instead (the same bound, with the analytic KL where
// there is one), so an iwae run with k = 1 trains exactly as an elbo run.
import * as tf from '@tensorflow/tfjs-core';
import type { Gaussian } from './distributions.js';

/** Per-row terms of one z sample per row: rows [x0..x(b-1), x0..x(b-1), ...] (sample j of image i at j*b + i). */
export interface SampleTerms {
  /** [k*b] log p(x|z) (for form 3: log p(y|x,z)) */
  logPx: tf.Tensor1D;
  /** [k*b] log p(z) (for a prior with latents of its own, their one-sample estimate) */
  logPz: tf.Tensor1D;
  /** [k*b] log q(z|x) */
  logQz: tf.Tensor1D;
}

/**
 * [b] logsumexp over axis 0 of w [k, b], with the gradient softmax(w) * dy written out:
 * tfjs's logSumExp differentiates through Max, which the Node bundle does not register.
 */
export function logSumExpRows(w: tf.Tensor2D): tf.Tensor1D {
  const f = tf.customGrad((t, save) => {
    const wi = t as tf.Tensor2D;
    const value = tf.logSumExp(wi, 0) as tf.Tensor1D;
    (save as tf.GradSaveFunc)([wi, value]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [ws, v] = saved as [tf.Tensor2D, tf.Tensor1D];
        return tf.mul(tf.exp(tf.sub(ws, tf.expandDims(v, 0))), tf.expandDims(dy, 0));
      },
    };
  });
  return f(w) as tf.Tensor1D;
}

/**
 * The IWAE loss of b images from k samples each, per image in nats (means over the batch):
 * `loss` the negative bound, `recon` and `kl` the single-sample means of -log p(x|z) and
 * log q(z|x) - log p(z), so the parts read as an ELBO's do.
 */
export function iwaeLoss(t: SampleTerms, k: number, beta: number): { loss: tf.Scalar; recon: tf.Scalar; kl: tf.Scalar } {
  const rows = t.logPx.shape[0];
  if (rows % k !== 0) throw new Error(`iwae: ${rows} rows are not k = ${k} samples of each image`);
  const b = rows / k;
  const logRatio = tf.sub(t.logPz, t.logQz);
  const w = tf.reshape(beta === 1 ? tf.add(t.logPx, logRatio) : tf.add(t.logPx, tf.mul(logRatio, beta)), [k, b]) as tf.Tensor2D;
  const bound = tf.sub(logSumExpRows(w), Math.log(k)); // [b]
  return {
    loss: tf.neg(tf.mean(bound)) as tf.Scalar,
    recon: tf.neg(tf.mean(t.logPx)) as tf.Scalar,
    kl: tf.neg(tf.mean(logRatio)) as tf.Scalar,
  };
}

/**
 * q(z|x) of b images as k*b rows, sample-major: the encoder runs once per image, not once per
 * sample. Broadcasting (not tile) so the gradient is Add's own sum over the k copies.
 */
export function tileGaussian(q: Gaussian, k: number): Gaussian {
  if (k === 1) return q;
  const [b, d] = q.mu.shape;
  const copies = tf.zeros([k, 1, d]);
  const rep = (t: tf.Tensor2D) => tf.reshape(tf.add(tf.reshape(t, [1, b, d]), copies), [k * b, d]) as tf.Tensor2D;
  return { mu: rep(q.mu), logvar: q.logvar ? rep(q.logvar) : null };
}

/** [k*b, d] the batch repeated k times, sample-major (the row order SampleTerms describes). */
export function tileSamples<T extends tf.Tensor2D | undefined>(t: T, k: number): T {
  return (t === undefined || k === 1 ? t : tf.tile(t, [k, 1])) as T;
}

/**
 * The (beta-weighted) ELBO's loss from its per-image terms [b]: recon + beta * kl, means over
 * the batch; a model with no prior (ae, dae) trains on recon alone.
 */
export function elboLoss(
  recon1: tf.Tensor1D,
  kl1: tf.Tensor1D,
  beta: number,
  stochastic: boolean,
): { loss: tf.Scalar; recon: tf.Scalar; kl: tf.Scalar } {
  const recon = tf.mean(recon1) as tf.Scalar;
  const kl = tf.mean(kl1) as tf.Scalar;
  const loss = stochastic && beta !== 0 ? (tf.add(recon, tf.mul(kl, beta)) as tf.Scalar) : recon;
  return { loss, recon, kl };
}
