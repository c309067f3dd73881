// explore/: written by the explore engineer (split off by the lead); the ML-engine engineer builds on it, does not rewrite it.
// Shared plumbing of the explore functions: argument checks, uint8 pixels <-> model tensors,
// one-hot labels, the hvae level switch, and a batched decode. Everything here either returns
// plain arrays or a tensor the caller owns inside its own tf.tidy.
import * as tf from '@tensorflow/tfjs-core';
import { oneHot, type VaeModel } from '../model/vae.js';
import type { Rng } from '../model/rng.js';
import { addStage } from '../stages.js';

/** Images (or latents) per forward pass: bounds memory for any dataset size. */
export const BATCH = 500;

/** A latent level: 1 = z1 (next to the image) .. T = the top of a T-level hvae. */
export type Level = number;

function what(m: VaeModel): string {
  return `${m.config.model} model (${m.shape.height}x${m.shape.width}x${m.shape.channels}, latent ${m.latent})`;
}

/** Number of images in a uint8 [n, h, w, c] buffer; throws if it is not whole images. */
export function imageCount(m: VaeModel, pixels: Uint8Array, fn: string, field = 'pixels'): number {
  if (!(pixels instanceof Uint8Array)) throw new Error(`explore.${fn}: ${field} must be a Uint8Array of [n, h, w, c] bytes`);
  if (pixels.length % m.inputSize !== 0) {
    throw new Error(
      `explore.${fn}: ${field} holds ${pixels.length} bytes, not a whole number of ${m.shape.height}x${m.shape.width}x${m.shape.channels} images (${m.inputSize} bytes each) for this ${what(m)}`,
    );
  }
  return pixels.length / m.inputSize;
}

/** Labels as the model needs them: undefined for an unconditional model, checked [n] otherwise. */
export function checkLabels(m: VaeModel, labels: Int32Array | undefined, n: number, fn: string): Int32Array | undefined {
  if (!m.conditional) return undefined;
  if (!labels) throw new Error(`explore.${fn}: the ${m.config.model} model is conditional and needs one label per image`);
  if (labels.length !== n) throw new Error(`explore.${fn}: labels has ${labels.length} entries for ${n} images`);
  return labels;
}

/** One class index, checked against the model's classes. */
export function checkClass(m: VaeModel, label: number, fn: string): number {
  if (!Number.isInteger(label) || label < 0 || label >= m.numClasses) {
    throw new Error(`explore.${fn}: label ${label} is not a class of this model (0..${m.numClasses - 1})`);
  }
  return label;
}

/** Per-row labels for a conditional model from one class or one per row; undefined otherwise. */
export function rowLabels(m: VaeModel, labels: Int32Array | number | undefined, rows: number, fn: string): Int32Array | undefined {
  if (!m.conditional) return undefined;
  if (labels === undefined) throw new Error(`explore.${fn}: the ${m.config.model} model is conditional and needs a label`);
  if (typeof labels === 'number') return new Int32Array(rows).fill(checkClass(m, labels, fn));
  if (labels.length !== rows) throw new Error(`explore.${fn}: labels has ${labels.length} entries for ${rows} rows`);
  return labels;
}

/** [count, K] one-hot of labels[start .. start+count), or undefined. */
export function labelBatch(m: VaeModel, labels: Int32Array | undefined, start: number, count: number): tf.Tensor2D | undefined {
  if (!labels) return undefined;
  return oneHot(labels.subarray(start, start + count), m.numClasses);
}

/** Latent width at a level: z (z1) at level 1, z_t at level t = 2..T (hvae only). */
export function latentAt(m: VaeModel, level: Level | undefined, fn: string): number {
  if (level === undefined || level === 1) return m.latent;
  if (!Number.isInteger(level) || level < 1) throw new Error(`explore.${fn}: level must be an integer 1..T, got ${String(level)}`);
  if (!(m.latent2 > 0) || !m.priorZ1 || !m.encodeTop) {
    throw new Error(`explore.${fn}: level ${level} needs a hierarchical VAE (hvae); this is a ${m.config.model} model`);
  }
  const T = m.latentSizes.length;
  if (level > T) throw new Error(`explore.${fn}: level must be 1..${T} for this ${T}-level hvae, got ${level}`);
  return m.latentSizes[level - 1]!;
}

/** hvae: the mean of p(z_{t-1} | z_t) (t = 2: p(z1|z2)). */
export function priorMeanBelow(m: VaeModel, t: number, z: tf.Tensor2D): tf.Tensor2D {
  return (t === 2 ? m.priorZ1!(z) : m.priorLevel!(t - 1, z)).mu;
}

/**
 * [count, D] float images in 0..1 from uint8 pixels. With `binRng` (the 'binarized'
 * likelihood) each pixel becomes a Bernoulli draw, drawn in image order so the same seed gives
 * the same binary images however the caller batches.
 */
export function pixelBatch(pixels: Uint8Array, start: number, count: number, d: number, binRng?: Rng): tf.Tensor2D {
  const src = pixels.subarray(start * d, (start + count) * d);
  const f = new Float32Array(src.length);
  if (binRng) {
    for (let i = 0; i < src.length; i++) f[i] = binRng.uniform() * 255 < src[i]! ? 1 : 0;
  } else {
    for (let i = 0; i < src.length; i++) f[i] = src[i]! / 255;
  }
  return tf.tensor2d(f, [count, d]);
}

/** Writes a [b, D] mean image (0..1) into out at byte offset as rounded, clamped uint8. */
export function writeBytes(img: tf.Tensor, out: Uint8Array, offset: number): void {
  const v = img.dataSync() as Float32Array;
  // Uint8ClampedArray stores round(x) clamped to 0..255 (NaN -> 0) natively: no branches here
  const c = new Uint8ClampedArray(out.buffer, out.byteOffset + offset, v.length);
  for (let i = 0; i < v.length; i++) c[i] = v[i]! * 255;
}

/**
 * Mean image [b, D] of latents at a level: level t goes down the chain of conditional means
 * z_{t-1} = E p(z_{t-1}|z_t), ..., z1 = E p(z1|z2) (the levels above t play no part in a Markov chain).
 */
export function decodeAt(m: VaeModel, z: tf.Tensor2D, y: tf.Tensor2D | undefined, level: Level | undefined): tf.Tensor2D {
  let zt = z;
  for (let t = level ?? 1; t >= 2; t--) zt = priorMeanBelow(m, t, zt);
  return m.decode(zt, y);
}

/**
 * Decodes `rows` latents z [rows, width] (width = the level's latent) to uint8 images, BATCH
 * rows per pass; labels one per row for a conditional model.
 */
export function decodeRows(
  m: VaeModel,
  z: Float32Array,
  rows: number,
  labels: Int32Array | undefined,
  level: Level | undefined,
  shrink = 1,
): Uint8Array {
  const width = rows === 0 ? 0 : z.length / rows;
  const size = shrunkShape(m, shrink);
  const tileBytes = size.height * size.width * size.channels;
  const out = new Uint8Array(rows * tileBytes);
  for (let s = 0; s < rows; s += BATCH) {
    const b = Math.min(BATCH, rows - s);
    tf.tidy(() => {
      const t0 = performance.now();
      const zt = tf.tensor2d(z.subarray(s * width, (s + b) * width), [b, width]);
      const img = decodeAt(m, zt, labelBatch(m, labels, s, b), level);
      const shown = shrink > 1 ? areaAverage(m, img, shrink) : img;
      const t1 = performance.now();
      writeBytes(shown, out, s * tileBytes);
      // a timed call's stages (timing.ts): the model's passes, and reading them back as bytes
      addStage('decode', t1 - t0);
      addStage('bytes', performance.now() - t1);
    });
  }
  return out;
}

/** A tile's shape after area-averaging by `shrink` (a partial last block is dropped). */
export function shrunkShape(m: VaeModel, shrink: number): { height: number; width: number; channels: 1 | 3 } {
  const { height, width, channels } = m.shape;
  if (!Number.isInteger(shrink) || shrink < 1 || shrink > Math.min(height, width))
    throw new Error(`explore: shrink must be an integer 1..${Math.min(height, width)} for ${height}x${width} images, got ${shrink}`);
  return { height: Math.floor(height / shrink), width: Math.floor(width / shrink), channels: channels as 1 | 3 };
}

// each shrink x shrink block of a decoded [b, D] batch as its mean: the tiles as they are shown
// when the grid is drawn at under half its pixels (a quarter of the bytes to send and draw, and
// a better downsample than the browser's bilinear one at that scale)
function areaAverage(m: VaeModel, img: tf.Tensor2D, shrink: number): tf.Tensor2D {
  const { height, width, channels } = m.shape;
  const b = img.shape[0];
  const pooled = tf.avgPool(tf.reshape(img, [b, height, width, channels]) as tf.Tensor4D, shrink, shrink, 'valid');
  return tf.reshape(pooled, [b, -1]) as tf.Tensor2D;
}
