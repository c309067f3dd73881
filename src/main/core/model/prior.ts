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
  /** hvae: the kl() terms level by level, [b] each, bottom first (the same draws as kl()) */
  klLevels?(q: Gaussian, z: tf.Tensor2D, y: tf.Tensor2D | undefined, rng: Rng): tf.Tensor1D[];
  /** hvae: q(z_t | z_{t-1}), t = 2..T */
  encodeLevel?(t: number, below: tf.Tensor2D): Gaussian;
  /** hvae: p(z_t | z_{t+1}), t = 1..T-1 */
  priorLevel?(t: number, above: tf.Tensor2D): Gaussian;
}

/** p(z) = N(0, I): the VAE's and beta-VAE's prior, and the CVAE's by default. */
export const standardNormalPrior: Prior = {
  kl: (q) => klStdNormal(q.mu, q.logvar!),
  logPrior: (z) => logStdNormal(z),
};

/** [b] the terms added left to right (one term as it is) */
const sum = (terms: tf.Tensor1D[]): tf.Tensor1D => terms.reduce((a, b) => tf.add(a, b) as tf.Tensor1D);

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
 * HVAE, a Markov chain of T = 2..4 levels: p(z1) = E p(z1|z2) ... p(z_{T-1}|z_T) with
 * p(z_T) = N(0, I), inferred upwards through q(z_t|z_{t-1}); each level's MLPs halve the width of
 * the one below (the IWAE paper's 200/100 layout). `sizes` are [z1, z2, ..., z_T]. Variables are
 * created level by level (enc2, prior1, enc3, prior2, ...), so T = 2 is today's two-level model.
 */
export function hierarchicalPrior(
  ps: ParamStore,
  hidden: number[],
  act: Activation,
  latent: number,
  latent2: number,
  ...upper: number[]
): Prior {
  const sizes = [latent, latent2, ...upper];
  const T = sizes.length;
  const up: Net2D[] = []; // up[t] = q(z_t | z_{t-1}), t = 2..T
  const down: Net2D[] = []; // down[t] = p(z_t | z_{t+1}), t = 1..T-1
  for (let t = 2; t <= T; t++) {
    const h = hidden.map((w) => Math.max(1, Math.ceil(w / 2 ** (t - 1))));
    up[t] = mlp(ps, `enc${t}`, [sizes[t - 2]!, ...h, 2 * sizes[t - 1]!], act, 'linear');
    down[t - 1] = mlp(ps, `prior${t - 1}`, [sizes[t - 1]!, ...[...h].reverse(), 2 * sizes[t - 2]!], act, 'linear');
  }
  const encodeLevel = (t: number, below: tf.Tensor2D) => gaussianOf(up[t]!, below, sizes[t - 1]!);
  const priorLevel = (t: number, above: tf.Tensor2D) => gaussianOf(down[t]!, above, sizes[t - 1]!);
  /** z_2..z_T drawn upwards from z1, with q(z_t|z_{t-1}) and p(z_{t-1}|z_t) at each (index t) */
  const ascend = (z1: tf.Tensor2D, rng: Rng) => {
    const z: tf.Tensor2D[] = [];
    const q: Gaussian[] = [];
    const p: Gaussian[] = [];
    z[1] = z1;
    for (let t = 2; t <= T; t++) {
      q[t] = encodeLevel(t, z[t - 1]!);
      z[t] = reparameterize(q[t]!, rng);
      p[t - 1] = priorLevel(t - 1, z[t]!);
    }
    return { z, q, p };
  };
  /**
   * [b] per level: t < T log q(z_t|.) - log p(z_t|z_{t+1}) at the samples (z_{t+1} depends on
   * z_t, so an analytic KL would be biased), the top KL(q(z_T|z_{T-1}) || N(0, I)) analytic
   */
  const levelKl = (q1: Gaussian, z1: tf.Tensor2D, rng: Rng): tf.Tensor1D[] => {
    const { z, q, p } = ascend(z1, rng);
    const lower = [q1, ...q.slice(2, T)].map((qt, i): tf.Tensor1D =>
      tf.sub(logNormal(z[i + 1]!, qt.mu, qt.logvar!), logNormal(z[i + 1]!, p[i + 1]!.mu, p[i + 1]!.logvar!)),
    );
    return [...lower, klStdNormal(q[T]!.mu, q[T]!.logvar!)];
  };
  return {
    kl(q1, z1, _y, rng) {
      const terms = levelKl(q1, z1, rng);
      return tf.add(terms[T - 1]!, sum(terms.slice(0, T - 1)));
    },
    klLevels: (q1, z1, _y, rng) => levelKl(q1, z1, rng),
    logPrior(z1, _y, rng) {
      // log p(z1|z2) ... p(z_{T-1}|z_T) p(z_T) - log q(z2|z1) ... q(z_T|z_{T-1}), one draw of z2..z_T
      const { z, q, p } = ascend(z1, rng);
      const logP = [...p.slice(1).map((pt, i) => logNormal(z[i + 1]!, pt.mu, pt.logvar!)), logStdNormal(z[T]!)];
      const logQ = q.slice(2).map((qt, i) => logNormal(z[i + 2]!, qt.mu, qt.logvar!));
      return tf.sub(sum(logP), sum(logQ));
    },
    encodeTop: (z1) => encodeLevel(2, z1),
    priorZ1: (z2) => priorLevel(1, z2),
    encodeLevel,
    priorLevel,
  };
}
