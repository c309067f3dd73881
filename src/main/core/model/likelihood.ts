// Decoder likelihoods p(x|z): negative log-likelihood per image in nats (summed over pixels)
// and the image each one shows as "the output" (its mean).
import * as tf from '@tensorflow/tfjs-core';
import { TRAIN_DEFAULTS } from '../../../shared/limits';
import type { Likelihood } from '../types.js';

const LOG_2PI = Math.log(2 * Math.PI);
/** learned log-variance floor: keeps a constant background pixel from driving sigma to 0 */
export const MIN_LOGVAR = -8;
export const DEFAULT_SIGMA: number = TRAIN_DEFAULTS.sigma;

/** What the decoder's last layer produces, before the likelihood turns it into a density. */
export interface DecoderOut {
  /** [b, D] logits of the mean (sigmoid gives the mean for bernoulli and gaussian) */
  logits: tf.Tensor2D;
  /** [b, D] per-pixel log-variance, gaussian-learned only */
  logvar?: tf.Tensor2D;
}

/** How many numbers per pixel the decoder must output. */
export function outputsPerPixel(lik: Likelihood): number {
  return lik === 'gaussian-learned' ? 2 : 1;
}

/**
 * sum_d softplus(l) - x*l: Bernoulli NLL on logits, stable for any l. Custom gradient
 * (sigmoid(l) - x) because autograd of softplus builds several [b, D] temporaries.
 * Returns [b].
 */
export function bernoulliNll(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
  const f = tf.customGrad((l, save) => {
    const li = l as tf.Tensor2D;
    const value = tf.sum(tf.sub(tf.softplus(li), tf.mul(x, li)), 1);
    (save as tf.GradSaveFunc)([li, x]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [ls, xs] = saved as [tf.Tensor2D, tf.Tensor2D];
        return tf.mul(tf.sub(tf.sigmoid(ls), xs), tf.expandDims(dy, 1));
      },
    };
  });
  return f(logits) as tf.Tensor1D;
}

/**
 * log C(lambda) of the continuous Bernoulli with lambda = sigmoid(l):
 * C = 2 atanh(1 - 2 lambda) / (1 - 2 lambda) = l / tanh(l / 2), even in l, -> 2 at l = 0.
 */
function cbLogNormalizer(l: tf.Tensor2D): tf.Tensor2D {
  const eps = 1e-2;
  const a = tf.abs(l);
  const safe = tf.maximum(a, eps);
  const big = tf.sub(tf.log(safe), tf.log(tf.tanh(tf.div(safe, 2))));
  const small = tf.add(Math.log(2), tf.div(tf.square(l), 12)); // Taylor: log 2 + l^2/12
  return tf.where(tf.less(a, eps), small, big) as tf.Tensor2D;
}

/** Negative log-likelihood per image [b] of target x [b, D] in 0..1. */
export function negLogLik(lik: Likelihood, out: DecoderOut, x: tf.Tensor2D, sigma = DEFAULT_SIGMA): tf.Tensor1D {
  switch (lik) {
    case 'bernoulli':
    case 'binarized':
      return bernoulliNll(out.logits, x);
    case 'cbernoulli':
      return tf.sub(bernoulliNll(out.logits, x), tf.sum(cbLogNormalizer(out.logits), 1));
    case 'gaussian': {
      const d = x.shape[1];
      const sq = tf.sum(tf.squaredDifference(tf.sigmoid(out.logits), x), 1);
      return tf.add(tf.mul(sq, 0.5 / (sigma * sigma)), d * (Math.log(sigma) + 0.5 * LOG_2PI));
    }
    case 'gaussian-learned': {
      if (!out.logvar) throw new Error('gaussian-learned decoder produced no log-variance');
      const sq = tf.squaredDifference(tf.sigmoid(out.logits), x);
      const t = tf.add(tf.mul(sq, tf.exp(tf.neg(out.logvar))), tf.add(out.logvar, LOG_2PI));
      return tf.mul(tf.sum(t, 1), 0.5);
    }
  }
}

/** |logit| below which the continuous Bernoulli's mean is taken from its series (meanImage). */
export const CB_SERIES_BELOW = 0.3;

/** The image to show: the mean of p(x|z), [b, D] in 0..1. */
export function meanImage(lik: Likelihood, out: DecoderOut): tf.Tensor2D {
  if (lik !== 'cbernoulli') return tf.sigmoid(out.logits);
  // continuous Bernoulli mean: lambda / (2 lambda - 1) + 1 / (2 atanh(1 - 2 lambda))
  // = sigmoid(l) / tanh(l/2) - 1/l, which is 1/2 + l/12 - l^3/720 + O(l^5) near l = 0. The
  // two terms of the first form cancel near 0 (each about 1/l), so below |l| = 0.3 the series
  // is used: both then stay within 1e-6 of the true mean, in tfjs and in ONNX Runtime alike
  const l = out.logits;
  const eps = CB_SERIES_BELOW;
  const safe = tf.where(tf.less(tf.abs(l), eps), tf.fill(l.shape, eps), l);
  const big = tf.sub(tf.div(tf.sigmoid(safe), tf.tanh(tf.div(safe, 2))), tf.reciprocal(safe));
  const small = tf.add(0.5, tf.mul(l, tf.sub(1 / 12, tf.div(tf.mul(l, l), 720))));
  return tf.clipByValue(tf.where(tf.less(tf.abs(l), eps), small, big), 0, 1) as tf.Tensor2D;
}

/** Squashes the raw log-variance output above MIN_LOGVAR smoothly (no dead gradient). */
export function boundLogvar(raw: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.softplus(tf.sub(raw, MIN_LOGVAR)), MIN_LOGVAR);
}
