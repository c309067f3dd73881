// The levels of a Markov HVAE one by one: how many nats each level's KL costs per image (the
// terms of the ELBO's KL, one sample), and each level's units ranked by their KL with the count
// of active ones. Builds on metrics.ts's conventions (bounded batches, sums in doubles).
import * as tf from '@tensorflow/tfjs-core';
import { klGaussians, klStdNormalPerDim, type Gaussian } from '../model/distributions.js';
import { deriveSeed, Rng } from '../model/rng.js';
import type { VaeModel } from '../model/vae.js';
import { ACTIVE_UNIT_THRESHOLD } from './metrics.js';
import { BATCH, imageCount, pixelBatch } from './tensors.js';

export interface LevelReport {
  /** 1 = z1 (next to the image) .. T = the top */
  level: number;
  latent: number;
  /** mean over images of this level's term of the KL, nats (they add up to the ELBO's KL) */
  kl: number;
  /** per unit: KL(q(z_t|z_{t-1}) || p(z_t|z_{t+1})) (the top level: against N(0, 1)) along the chain of means */
  unitKl: number[];
  /** per unit: variance over images of the mean of q */
  muVariance: number[];
  activeUnits: number;
  /** unit indices, most KL first */
  ranked: number[];
}

/**
 * Every level of an hvae (the one level of any other stochastic model): the KL each costs and
 * its units ranked. Units are measured along the chain of posterior means z1 = E q(z1|x),
 * z_t = E q(z_t|z_{t-1}), each against the prior given the mean of the level above.
 */
export function levelReport(m: VaeModel, pixels: Uint8Array, seed = 1): LevelReport[] {
  if (!m.stochastic || m.conditional) throw new Error(`explore.levelReport: needs a vae or an hvae; this is a ${m.config.model} model`);
  const n = imageCount(m, pixels, 'levelReport');
  const sizes = m.latentSizes;
  const T = sizes.length;
  const klSum = new Float64Array(T);
  const unitSum = sizes.map((L) => new Float64Array(L));
  const mus = sizes.map((L) => new Float32Array(n * L));
  const rng = new Rng(deriveSeed(seed, 0x1e));
  for (let s = 0; s < n; s += BATCH) {
    const b = Math.min(BATCH, n - s);
    tf.tidy(() => {
      const x = pixelBatch(pixels, s, b, m.inputSize);
      const terms = m.levelKl
        ? m.levelKl(x, { beta: 1, training: false, rng })
        : [m.perImage(x, undefined, { beta: 1, training: false, rng }).kl];
      terms.forEach((t, i) => {
        klSum[i]! += tf.sum(t).dataSync()[0]!;
      });
      // the chain of means upwards, then each level against the prior below the mean above
      const q: Gaussian[] = [m.encode(x)];
      for (let t = 2; t <= T; t++) q.push(m.encodeLevel!(t, q[t - 2]!.mu));
      q.forEach((qt, i) => {
        mus[i]!.set(qt.mu.dataSync(), s * sizes[i]!);
        const above = i + 1 < T ? m.priorLevel!(i + 1, q[i + 1]!.mu) : null;
        const per = above ? klGaussians(qt.mu, qt.logvar!, above.mu, above.logvar!) : klStdNormalPerDim(qt.mu, qt.logvar!);
        const sums = tf.sum(per, 0).dataSync(); // [L] of [b, L]
        for (let d = 0; d < sizes[i]!; d++) unitSum[i]![d]! += sums[d]!;
      });
    });
  }
  return sizes.map((L, i) => {
    const muVariance = variances(mus[i]!, n, L);
    const unitKl = Array.from(unitSum[i]!, (v) => (n > 0 ? v / n : 0));
    const ranked = unitKl.map((_, d) => d).sort((a, c) => unitKl[c]! - unitKl[a]!);
    const activeUnits = muVariance.filter((v) => v > ACTIVE_UNIT_THRESHOLD).length;
    return { level: i + 1, latent: L, kl: n > 0 ? klSum[i]! / n : NaN, unitKl, muVariance, activeUnits, ranked };
  });
}

/** per column of [n, L]: the variance over rows, two passes in doubles */
function variances(v: Float32Array, n: number, L: number): number[] {
  const mean = new Float64Array(L);
  for (let i = 0; i < n; i++) for (let d = 0; d < L; d++) mean[d]! += v[i * L + d]! / n;
  const m2 = new Float64Array(L);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < L; d++) {
      const e = v[i * L + d]! - mean[d]!;
      m2[d]! += e * e;
    }
  }
  return Array.from(m2, (x) => (n > 0 ? x / n : 0));
}
