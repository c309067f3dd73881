// Honest numbers for a trained model: ELBO, the importance-weighted bound (IWAE, Burda et
// al.) with k samples batched so memory stays bounded, reconstruction error, per-image loss
// (outliers), and a CVAE used as a classifier.
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, Rng } from '../model/rng.js';
import { oneHot, type VaeModel } from '../model/vae.js';

/** rows (images x samples) per forward pass */
const ROWS = 2000;

export interface Evaluation {
  /** negative ELBO per image, nats (the mean of -log w over the k samples) */
  elbo: number;
  /** negative importance-weighted bound, -log (1/k sum w), per image, nats; <= elbo; NaN for ae/dae */
  iwae: number;
  /** per-pixel mean squared error of the reconstruction (posterior mean), pixels in 0..1 */
  mse: number;
  /** 10 log10(1 / mse), dB */
  psnr: number;
  images: number;
  k: number;
}

function imagesIn(m: VaeModel, pixels: Uint8Array): number {
  if (pixels.length % m.inputSize !== 0) throw new Error(`pixels: ${pixels.length} bytes is not a whole number of images of ${m.inputSize} values`);
  return pixels.length / m.inputSize;
}

/**
 * The images as the model scores them, 0..1 floats. A model trained on dynamically
 * binarized data is scored on one fixed binarization (seeded), as in the IWAE paper.
 */
function scoredImages(m: VaeModel, pixels: Uint8Array, seed: number): Float32Array {
  const x = new Float32Array(pixels.length);
  if (m.config.likelihood === 'binarized') {
    const rng = new Rng(deriveSeed(seed, 0x4249));
    for (let i = 0; i < x.length; i++) x[i] = rng.uniform() < pixels[i]! / 255 ? 1 : 0;
  } else {
    for (let i = 0; i < x.length; i++) x[i] = pixels[i]! / 255;
  }
  return x;
}

function labelRows(m: VaeModel, labels: Int32Array | undefined, img: number, reps: number): number[] | undefined {
  if (!m.conditional) return undefined;
  if (!labels) throw new Error('a cvae needs the images’ labels to be scored');
  const l = labels[img]!;
  if (!(l >= 0 && l < m.numClasses)) throw new Error(`image ${img} has label ${l}, not a class of this model`);
  return new Array<number>(reps).fill(l);
}

/** log(mean(exp(v))) in float64, stable */
function logMeanExp(v: Float64Array, n: number): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (v[i]! > max) max = v[i]!;
  if (!Number.isFinite(max)) return max;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(v[i]! - max);
  return max + Math.log(s / n);
}

/**
 * ELBO and IWAE bound with k importance samples per image (k = 1: both are the same
 * single-sample ELBO estimate), plus MSE/PSNR of the mean reconstruction.
 */
export function evaluate(m: VaeModel, pixels: Uint8Array, labels?: Int32Array, opts: { iwae?: number; seed?: number } = {}): Evaluation {
  const n = imagesIn(m, pixels);
  const k = opts.iwae ?? 1;
  if (!Number.isInteger(k) || k < 1 || k > 100000) throw new Error(`iwae: k must be an integer >= 1, got ${k}`);
  const seed = opts.seed ?? 1;
  const D = m.inputSize;
  if (m.conditional && (!labels || labels.length < n)) throw new Error('a cvae needs one label per image to be scored');
  const x = scoredImages(m, pixels, seed);
  let elboSum = 0;
  let iwaeSum = 0;
  let sqErr = 0;

  // reconstruction error through the posterior mean
  for (let from = 0; from < n; from += ROWS) {
    const b = Math.min(ROWS, n - from);
    tf.tidy(() => {
      const xb = tf.tensor2d(x.subarray(from * D, (from + b) * D), [b, D]);
      const y = m.conditional ? oneHot(Array.from({ length: b }, (_, i) => labels![from + i]!), m.numClasses) : undefined;
      const out = m.decode(m.encode(xb, y).mu, y);
      sqErr += tf.sum(tf.squaredDifference(out, xb)).dataSync()[0]!;
    });
  }
  const mse = sqErr / (n * D);

  if (!m.stochastic) {
    // an autoencoder has no bound: report its reconstruction loss as "elbo"
    let rec = 0;
    for (let from = 0; from < n; from += ROWS) {
      const b = Math.min(ROWS, n - from);
      tf.tidy(() => {
        const xb = tf.tensor2d(x.subarray(from * D, (from + b) * D), [b, D]);
        const p = m.perImage(xb, undefined, { beta: 1, training: false, rng: new Rng(seed) });
        rec += tf.sum(p.recon).dataSync()[0]!;
      });
    }
    return { elbo: rec / n, iwae: NaN, mse, psnr: 10 * Math.log10(1 / mse), images: n, k };
  }

  // importance weights: each image repeated over a chunk of samples; images per pass and
  // samples per pass chosen so a pass holds at most ROWS rows
  const perPass = Math.max(1, Math.floor(ROWS / k));
  const kChunk = Math.min(k, ROWS);
  const logw = new Float64Array(perPass * k);
  let chunkId = 0;
  for (let from = 0; from < n; from += perPass) {
    const b = Math.min(perPass, n - from);
    for (let s = 0; s < k; s += kChunk) {
      const ks = Math.min(kChunk, k - s);
      const rows = b * ks;
      const w = tf.tidy(() => {
        const xr = new Float32Array(rows * D);
        const ys: number[] = [];
        for (let i = 0; i < b; i++) {
          const src = x.subarray((from + i) * D, (from + i + 1) * D);
          for (let j = 0; j < ks; j++) xr.set(src, (i * ks + j) * D);
          const l = labelRows(m, labels, from + i, ks);
          if (l) ys.push(...l);
        }
        const y = m.conditional ? oneHot(ys, m.numClasses) : undefined;
        return m.logWeight(tf.tensor2d(xr, [rows, D]), y, new Rng(deriveSeed(seed, 0x4957, chunkId++))).dataSync();
      });
      for (let i = 0; i < b; i++) for (let j = 0; j < ks; j++) logw[i * k + s + j] = w[i * ks + j]!;
    }
    for (let i = 0; i < b; i++) {
      const row = logw.subarray(i * k, (i + 1) * k);
      let mean = 0;
      for (let j = 0; j < k; j++) mean += row[j]!;
      elboSum += mean / k;
      iwaeSum += logMeanExp(row, k);
    }
  }
  return { elbo: -elboSum / n, iwae: -iwaeSum / n, mse, psnr: 10 * Math.log10(1 / mse), images: n, k };
}

/** Negative ELBO per image (single sample, seeded), for ranking outliers worst first. */
export function perImageLoss(m: VaeModel, pixels: Uint8Array, labels?: Int32Array, seed = 1): Float32Array {
  const n = imagesIn(m, pixels);
  const D = m.inputSize;
  const x = scoredImages(m, pixels, seed);
  const out = new Float32Array(n);
  for (let from = 0, bi = 0; from < n; from += ROWS, bi++) {
    const b = Math.min(ROWS, n - from);
    tf.tidy(() => {
      const y = m.conditional ? oneHot(Array.from({ length: b }, (_, i) => labels?.[from + i] ?? -1), m.numClasses) : undefined;
      const p = m.perImage(tf.tensor2d(x.subarray(from * D, (from + b) * D), [b, D]), y, { beta: 1, training: false, rng: new Rng(deriveSeed(seed, 0x5049, bi)) });
      out.set(tf.add(p.recon, p.kl).dataSync(), from);
    });
  }
  return out;
}

/**
 * CVAE as a classifier: the class whose ELBO is highest. Each class is scored with the same
 * noise (common random numbers), `samples` per image, so differences are not noise.
 */
export function classify(m: VaeModel, pixels: Uint8Array, opts: { samples?: number; seed?: number } = {}): Int32Array {
  if (!m.conditional) throw new Error(`classify needs a conditional VAE; this is a ${m.config.model}`);
  const n = imagesIn(m, pixels);
  const D = m.inputSize;
  const K = m.numClasses;
  const S = opts.samples ?? 1;
  const seed = opts.seed ?? 1;
  const x = scoredImages(m, pixels, seed);
  const best = new Int32Array(n);
  const bestScore = new Float64Array(n).fill(Infinity);
  const per = Math.max(1, Math.floor(ROWS / S));
  for (let from = 0, bi = 0; from < n; from += per, bi++) {
    const b = Math.min(per, n - from);
    const xr = new Float32Array(b * S * D);
    for (let i = 0; i < b; i++) for (let s = 0; s < S; s++) xr.set(x.subarray((from + i) * D, (from + i + 1) * D), (i * S + s) * D);
    for (let c = 0; c < K; c++) {
      const loss = tf.tidy(() => {
        const xb = tf.tensor2d(xr, [b * S, D]);
        const y = oneHot(new Array<number>(b * S).fill(c), K);
        const p = m.perImage(xb, y, { beta: 1, training: false, rng: new Rng(deriveSeed(seed, 0x434c, bi)) });
        return tf.add(p.recon, p.kl).dataSync();
      });
      for (let i = 0; i < b; i++) {
        let v = 0;
        for (let s = 0; s < S; s++) v += loss[i * S + s]!;
        if (v < bestScore[from + i]!) {
          bestScore[from + i] = v;
          best[from + i] = c;
        }
      }
    }
  }
  return best;
}
