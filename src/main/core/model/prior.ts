// The prior p(z) of each stochastic model, as one object with the two things the objectives
// need from it: the KL term of the ELBO and log p(z) for an importance weight. The model's
// loss and bounds call only these, so a new prior is one more constructor here.
import * as tf from '@tensorflow/tfjs-core';
import { klGaussians, klStdNormal, logNormal, logStdNormal, reparameterize, type Gaussian } from './distributions.js';
import type { Activation, ParamStore } from './layers.js';
import { mlp, split2, type Net2D } from './networks.js';
import type { Rng } from './rng.js';

export interface Prior {
  /**
   * [b] KL(q(z|x) || p(z)) per image. `z` is the sample drawn from q, for priors with no
   * closed-form KL (then the KL is a one-sample estimate and draws more noise from `rng`).
   */
  kl(q: Gaussian, z: tf.Tensor2D, y: tf.Tensor2D | undefined, rng: Rng): tf.Tensor1D;
  /** [b] log p(z) (for a prior with latents of its own, a one-sample importance estimate) */
  logPrior(z: tf.Tensor2D, y: tf.Tensor2D | undefined, rng: Rng): tf.Tensor1D;
  /** cvae with a learned prior: p(z|y) */
  priorZ?(y: tf.Tensor2D): Gaussian;
  /** hvae: q(z2|z1) */
  encodeTop?(z1: tf.Tensor2D): Gaussian;
  /** hvae: p(z1|z2) */
  priorZ1?(z2: tf.Tensor2D): Gaussian;
}

/** p(z) = N(0, I): the VAE's and beta-VAE's prior, and the CVAE's by default. */
export const standardNormalPrior: Prior = {
  kl: (q) => klStdNormal(q.mu, q.logvar!),
  logPrior: (z) => logStdNormal(z),
};

const gaussianOf = (net: Net2D, t: tf.Tensor2D, d: number): Gaussian => {
  const [mu, logvar] = split2(net(t, true), d);
  return { mu, logvar };
};

/** CVAE: p(z|y) = N(mu_y, diag sigma_y^2), a per-class mean and log-variance (linear in the one-hot). */
export function learnedPrior(ps: ParamStore, classes: number, latent: number): Prior {
  const net = mlp(ps, 'prior', [classes, 2 * latent], 'linear', 'linear');
  const p = (y: tf.Tensor2D | undefined): Gaussian => {
    if (!y) throw new Error('a learned prior p(z | y) needs the one-hot labels');
    return gaussianOf(net, y, latent);
  };
  return {
    kl(q, _z, y) {
      const py = p(y);
      return tf.sum(klGaussians(q.mu, q.logvar!, py.mu, py.logvar!), 1) as tf.Tensor1D;
    },
    logPrior(z, y) {
      const py = p(y);
      return logNormal(z, py.mu, py.logvar!);
    },
    priorZ: (y) => p(y),
  };
}

/**
 * HVAE: p(z1) = E_{p(z2)} p(z1|z2) with p(z2) = N(0, I), inferred through q(z2|z1); half-width
 * MLPs both ways (the IWAE paper's 200/100 layout).
 */
export function hierarchicalPrior(ps: ParamStore, hidden: number[], act: Activation, latent: number, latent2: number): Prior {
  const hidden2 = hidden.map((h) => Math.max(1, Math.ceil(h / 2)));
  const enc2 = mlp(ps, 'enc2', [latent, ...hidden2, 2 * latent2], act, 'linear');
  const prior1 = mlp(ps, 'prior1', [latent2, ...[...hidden2].reverse(), 2 * latent], act, 'linear');
  const encodeTop = (z1: tf.Tensor2D) => gaussianOf(enc2, z1, latent2);
  const priorZ1 = (z2: tf.Tensor2D) => gaussianOf(prior1, z2, latent);
  /** z2 ~ q(z2|z1) and p(z1|z2) at it */
  const descend = (z1: tf.Tensor2D, rng: Rng) => {
    const q2 = encodeTop(z1);
    const z2 = reparameterize(q2, rng);
    return { q2, z2, p1: priorZ1(z2) };
  };
  return {
    kl(q1, z1, _y, rng) {
      // KL(q(z2|z1) || N(0,I)) analytic, plus log q(z1|x) - log p(z1|z2) at the sampled z1, z2
      // (single sample: z2 depends on z1, so an analytic KL for level 1 would be biased)
      const { q2, p1 } = descend(z1, rng);
      const top = klStdNormal(q2.mu, q2.logvar!);
      const bottom = tf.sub(logNormal(z1, q1.mu, q1.logvar!), logNormal(z1, p1.mu, p1.logvar!));
      return tf.add(top, bottom);
    },
    logPrior(z1, _y, rng) {
      // log p(z1|z2) + log p(z2) - log q(z2|z1), one z2 ~ q(z2|z1)
      const { q2, z2, p1 } = descend(z1, rng);
      return tf.sub(tf.add(logNormal(z1, p1.mu, p1.logvar!), logStdNormal(z2)), logNormal(z2, q2.mu, q2.logvar!));
    },
    encodeTop,
    priorZ1,
  };
}
