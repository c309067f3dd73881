// explore/: written by the explore engineer (split off by the lead); the ML-engine engineer builds on it, does not rewrite it.
// Numbers about a trained model: KL per latent dimension and active units, per-image loss,
// ELBO / IWAE bounds, reconstruction error, and a CVAE used as a classifier. Each runs in
// bounded batches; sums are kept in doubles on the JS side.
import * as tf from '@tensorflow/tfjs-core';
import { Rng, deriveSeed } from '../model/rng.js';
import { klGaussians, klStdNormalPerDim } from '../model/distributions.js';
import { oneHot, type VaeModel } from '../model/vae.js';
import { BATCH, checkLabels, imageCount, labelBatch, latentAt, pixelBatch, type Level } from './tensors.js';

/** IWAE paper's threshold on Var_x(E_q[z_d]) for an active unit. */
export const ACTIVE_UNIT_THRESHOLD = 0.01;
/** Rows (images x importance samples) per IWAE forward pass. */
export const IWAE_ROWS = 5000;
const DEFAULT_SEED = 1;

/**
 * Per latent dimension (z1 for hvae, or z_t at level t): mean over images of the analytic KL(q(z_d|x) || N(0,1))
 * (a middle level 1 < t < T of an hvae: against p(z_t | z_{t+1} = E q(z_{t+1}|z_t)), as levelReport measures it)
 * and the variance of mu across images; active units = dims whose mu varies by more than
 * ACTIVE_UNIT_THRESHOLD. AE/DAE have no q to compare, so kl is 0 everywhere and muVariance is the ranking.
 */
export function perDimensionKl(
  m: VaeModel,
  pixels: Uint8Array,
  labels?: Int32Array,
  level?: Level,
): { kl: number[]; muVariance: number[]; activeUnits: number } {
  const run = klRun(m, pixels, labels, level);
  for (let s = 0; s < run.n; s += BATCH) {
    const t = run.batch(s);
    try {
      run.add(s, t.mu.dataSync(), t.klSum?.dataSync());
    } finally {
      tf.dispose([t.mu, t.klSum ?? []]);
    }
  }
  return run.finish();
}

/**
 * perDimensionKl with asynchronous reads, for a backend that cannot read synchronously (WebGPU,
 * in a page or in Node): what the trainer measures each epoch, on every engine.
 */
export async function perDimensionKlAsync(
  m: VaeModel,
  pixels: Uint8Array,
  labels?: Int32Array,
  level?: Level,
): Promise<{ kl: number[]; muVariance: number[]; activeUnits: number }> {
  const run = klRun(m, pixels, labels, level);
  for (let s = 0; s < run.n; s += BATCH) {
    const t = run.batch(s);
    try {
      run.add(s, await t.mu.data(), t.klSum ? await t.klSum.data() : undefined);
    } finally {
      tf.dispose([t.mu, t.klSum ?? []]);
    }
  }
  return run.finish();
}

/** perDimensionKl's steps: each batch's means and KL sums as tensors, their sums on the JS side. */
function klRun(m: VaeModel, pixels: Uint8Array, labels: Int32Array | undefined, level: Level | undefined) {
  const n = imageCount(m, pixels, 'perDimensionKl');
  const ys = checkLabels(m, labels, n, 'perDimensionKl');
  const L = latentAt(m, level, 'perDimensionKl');
  const mu = new Float32Array(n * L); // [n, L]
  const klSum = new Float64Array(L);
  return {
    n,
    /** the batch from image s: its means [b, L] and, where q has a variance, its KL summed over images [L] */
    batch(s: number): { mu: tf.Tensor; klSum: tf.Tensor | null } {
      const [batchMu, batchKl] = tf.tidy((): tf.Tensor[] => {
        const b = Math.min(BATCH, n - s);
        let q = m.encode(pixelBatch(pixels, s, b, m.inputSize), labelBatch(m, ys, s, b));
        // q(z_t|z_{t-1}) along the chain of means from q(z1|x), as encodeImages does
        for (let t = 2; t <= (level ?? 1); t++) q = m.encodeLevel!(t, q.mu);
        if (!q.logvar) return [q.mu];
        const above =
          level !== undefined && level > 1 && level < m.latentSizes.length
            ? m.priorLevel!(level, m.encodeLevel!(level + 1, q.mu).mu)
            : null;
        const per = above ? klGaussians(q.mu, q.logvar, above.mu, above.logvar!) : klStdNormalPerDim(q.mu, q.logvar);
        return [q.mu, tf.sum(per, 0)];
      });
      return { mu: batchMu!, klSum: batchKl ?? null };
    },
    add(s: number, batchMu: ArrayLike<number>, sums: ArrayLike<number> | undefined): void {
      mu.set(batchMu, s * L);
      if (sums) for (let d = 0; d < L; d++) klSum[d]! += sums[d]!;
    },
    finish(): { kl: number[]; muVariance: number[]; activeUnits: number } {
      // two passes in doubles: no cancellation when |mean| >> spread
      const mean = new Float64Array(L);
      for (let i = 0; i < n; i++) for (let d = 0; d < L; d++) mean[d]! += mu[i * L + d]!;
      for (let d = 0; d < L; d++) mean[d]! /= Math.max(n, 1);
      const m2 = new Float64Array(L);
      for (let i = 0; i < n; i++) {
        for (let d = 0; d < L; d++) {
          const e = mu[i * L + d]! - mean[d]!;
          m2[d]! += e * e;
        }
      }
      const kl = Array.from(klSum, (v) => (n > 0 ? v / n : 0));
      const muVariance = Array.from(m2, (v) => (n > 0 ? v / n : 0));
      return { kl, muVariance, activeUnits: muVariance.filter((v) => v > ACTIVE_UNIT_THRESHOLD).length };
    },
  };
}

/** The 'binarized' likelihood scores binary images: one fixed draw per image for the whole call. */
function binarizer(m: VaeModel, seed: number): Rng | undefined {
  return m.config.likelihood === 'binarized' ? new Rng(deriveSeed(seed, 0xb1)) : undefined;
}

/**
 * Negative ELBO per image (beta 1, no corruption, one z sample from a fixed seed), nats:
 * the outlier score, worst first when sorted descending. AE/DAE: the reconstruction term.
 */
export function perImageLoss(m: VaeModel, pixels: Uint8Array, labels?: Int32Array, seed = DEFAULT_SEED): Float32Array {
  const n = imageCount(m, pixels, 'perImageLoss');
  const ys = checkLabels(m, labels, n, 'perImageLoss');
  const out = new Float32Array(n);
  const rng = new Rng(deriveSeed(seed, 0xe1));
  const bin = binarizer(m, seed);
  for (let s = 0; s < n; s += BATCH) {
    const b = Math.min(BATCH, n - s);
    tf.tidy(() => {
      const p = m.perImage(pixelBatch(pixels, s, b, m.inputSize, bin), labelBatch(m, ys, s, b), { beta: 1, training: false, rng });
      out.set(tf.add(p.recon, p.kl).dataSync(), s);
    });
  }
  return out;
}

export interface EvaluateOptions {
  /** importance samples per image for the IWAE bound (1..); 1 gives a second ELBO estimate */
  iwae: number;
  /** images per ELBO pass (default 500) */
  batch?: number;
  seed?: number;
}

export interface Evaluation {
  /** mean negative ELBO, nats per image (beta 1); AE/DAE: the reconstruction term alone */
  elbo: number;
  /** mean negative IWAE bound with k = opts.iwae (lower is better); NaN for AE/DAE */
  iwae: number;
  /** mean squared error of decode(mean of q) against the input, pixels in 0..1 */
  mse: number;
  /** 10 log10(1 / mse), dB */
  psnr: number;
}

/** ELBO, IWAE bound, and mean-reconstruction error over a set of images. */
export function evaluate(m: VaeModel, pixels: Uint8Array, labels: Int32Array | undefined, opts: EvaluateOptions): Evaluation {
  const n = imageCount(m, pixels, 'evaluate');
  const ys = checkLabels(m, labels, n, 'evaluate');
  const k = opts.iwae;
  if (!Number.isInteger(k) || k < 1) throw new Error(`explore.evaluate: iwae must be an integer >= 1 (samples per image), got ${k}`);
  const batch = opts.batch ?? BATCH;
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`explore.evaluate: batch must be an integer >= 1, got ${batch}`);
  const seed = opts.seed ?? DEFAULT_SEED;
  if (n === 0) return { elbo: NaN, iwae: NaN, mse: NaN, psnr: NaN };

  let elboSum = 0;
  let sqSum = 0;
  const rng = new Rng(deriveSeed(seed, 0xe1));
  const bin = binarizer(m, seed);
  for (let s = 0; s < n; s += batch) {
    const b = Math.min(batch, n - s);
    const [loss, sq] = tf.tidy(() => {
      const x = pixelBatch(pixels, s, b, m.inputSize);
      const y = labelBatch(m, ys, s, b);
      const target = bin ? pixelBatch(pixels, s, b, m.inputSize, bin) : x;
      const p = m.perImage(target, y, { beta: 1, training: false, rng });
      // cvae form 3 decodes labels, not images: no reconstruction error
      const sq = m.decodesImages ? tf.sum(tf.squaredDifference(m.decode(m.encode(x, y).mu, y), x)).dataSync()[0]! : NaN;
      return [tf.sum(tf.add(p.recon, p.kl)).dataSync()[0]!, sq];
    });
    elboSum += loss;
    sqSum += sq;
  }
  const mse = sqSum / (n * m.inputSize);
  return { elbo: elboSum / n, iwae: m.stochastic ? iwaeBound(m, pixels, ys, n, k, seed) : NaN, mse, psnr: 10 * Math.log10(1 / mse) };
}

/**
 * mean over images of -(logsumexp_k w_k - log k), w = log p(x, z) - log q(z|x), z ~ q. Images
 * go in chunks and samples in blocks so no pass holds more than IWAE_ROWS rows; the log-sum
 * of each block is merged in doubles.
 */
function iwaeBound(m: VaeModel, pixels: Uint8Array, ys: Int32Array | undefined, n: number, k: number, seed: number): number {
  const chunk = Math.max(1, Math.min(n, Math.floor(IWAE_ROWS / k)));
  const block = Math.max(1, Math.min(k, Math.floor(IWAE_ROWS / chunk)));
  const rng = new Rng(deriveSeed(seed, 0x1a));
  const bin = binarizer(m, seed); // the same binary images as the ELBO pass
  const lse = new Float64Array(chunk);
  let total = 0;
  for (let s = 0; s < n; s += chunk) {
    const c = Math.min(chunk, n - s);
    // a binary draw, re-binarized by logWeight's own prepare(), stays the same image
    const x = pixelBatch(pixels, s, c, m.inputSize, bin);
    const y = labelBatch(m, ys, s, c);
    try {
      lse.fill(-Infinity);
      for (let done = 0; done < k; done += block) {
        const r = Math.min(block, k - done);
        // (the merge runs inside the tidy: returning a typed array from tf.tidy makes it walk
        // every element looking for tensors)
        tf.tidy(() => {
          // rows [x0..x(c-1), x0..x(c-1), ...]: sample j of image i sits at row j*c + i
          const w = m.logWeight(tf.tile(x, [r, 1]) as tf.Tensor2D, y ? (tf.tile(y, [r, 1]) as tf.Tensor2D) : undefined, rng);
          const part = tf.logSumExp(tf.reshape(w, [r, c]), 0).dataSync(); // [c]
          for (let i = 0; i < c; i++) lse[i] = logAddExp(lse[i]!, part[i]!);
        });
      }
    } finally {
      x.dispose();
      y?.dispose();
    }
    for (let i = 0; i < c; i++) total += -(lse[i]! - Math.log(k));
  }
  return total / n;
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const hi = Math.max(a, b);
  return hi + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * CVAE as a classifier: the class whose label gives the image the best ELBO (lowest negative
 * ELBO). Every class sees the same noise (common random numbers), so the comparison is not
 * swamped by sampling noise. Form 3 has a classifier of its own: argmax p(y | x, z = mean of p(z|x)).
 */
export function classify(m: VaeModel, pixels: Uint8Array, seed = DEFAULT_SEED): Int32Array {
  if (!m.conditional) throw new Error(`explore.classify: needs a conditional VAE (cvae); this is a ${m.config.model} model`);
  const n = imageCount(m, pixels, 'classify');
  const K = m.numClasses;
  const out = new Int32Array(n);
  const bin = binarizer(m, seed);
  if (m.predict) {
    for (let s = 0; s < n; s += BATCH) {
      const b = Math.min(BATCH, n - s);
      tf.tidy(() => out.set(tf.argMax(m.predict!(pixelBatch(pixels, s, b, m.inputSize, bin)), 1).dataSync(), s));
    }
    return out;
  }
  for (let s = 0; s < n; s += BATCH) {
    const b = Math.min(BATCH, n - s);
    tf.tidy(() => {
      const x = pixelBatch(pixels, s, b, m.inputSize, bin);
      const scores: tf.Tensor1D[] = [];
      for (let c = 0; c < K; c++) {
        const rng = new Rng(deriveSeed(seed, 0xc1, s));
        const p = m.perImage(x, oneHot(new Int32Array(b).fill(c), K), { beta: 1, training: false, rng });
        scores.push(tf.add(p.recon, p.kl));
      }
      out.set(tf.argMin(tf.stack(scores, 1), 1).dataSync(), s); // [b] of [b, K]
    });
  }
  return out;
}
