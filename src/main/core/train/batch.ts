// Mini-batches from a dataset's uint8 pixels, and the seeds of a step's noise. Shared by the
// trainer and the data-parallel gradient threads, so every thread builds the same rows.
import type { Dataset } from '../types.js';
import { deriveSeed, Rng } from '../model/rng.js';

/** salts for deriveSeed, so shuffles, step noise and evaluation noise never share a stream */
export const SALT = { shuffle: 0x5348, step: 0x5354, eval: 0x4556, subset: 0x5355, flip: 0x464c };

/** The pixels and labels a batch is built from (a Dataset, or its shared copy in a thread). */
export type BatchSource = Pick<Dataset, 'height' | 'width' | 'channels' | 'pixels' | 'labels'>;

/**
 * An index in a batch order that says "this image, mirrored left to right": ~i (that is -i - 1),
 * so a flip travels with the order through every engine (threads, device batches) and needs no
 * second array. Plain indices are >= 0.
 */
export function flipped(i: number): number {
  return ~i;
}

/** Marks about half of an epoch's order as mirrored, seeded by the run's seed and the epoch. */
export function flipHalf(order: Int32Array, seed: number, epoch: number): void {
  const rng = new Rng(deriveSeed(seed, SALT.flip, epoch));
  for (let i = 0; i < order.length; i++) if (rng.uniform() < 0.5) order[i] = flipped(order[i]!);
}

/**
 * Fills x [b, D] in 0..1 (and one-hot y [b, k]) from dataset rows idx[from..from+b); a row
 * given as flipped(i) is image i mirrored left to right.
 */
export function fillBatch(
  ds: BatchSource,
  idx: Int32Array,
  from: number,
  b: number,
  x: Float32Array,
  y: Float32Array | null,
  k: number,
): void {
  const d = ds.height * ds.width * ds.channels;
  const px = ds.pixels;
  const s = 1 / 255;
  const w = ds.width;
  const c = ds.channels;
  const row = w * c;
  for (let r = 0; r < b; r++) {
    const at = idx[from + r]!;
    const image = at < 0 ? ~at : at;
    const src = image * d;
    const dst = r * d;
    if (at >= 0) {
      for (let j = 0; j < d; j++) x[dst + j] = px[src + j]! * s;
    } else {
      // mirrored: column u of each pixel row comes from column w - 1 - u, channels kept in order
      for (let rowStart = 0; rowStart < d; rowStart += row) {
        for (let u = 0; u < w; u++) {
          const mirror = src + rowStart + (w - 1 - u) * c;
          const to = dst + rowStart + u * c;
          for (let ch = 0; ch < c; ch++) x[to + ch] = px[mirror + ch]! * s;
        }
      }
    }
    if (y) {
      y.fill(0, r * k, (r + 1) * k);
      const l = ds.labels[image]!;
      if (l >= 0 && l < k) y[r * k + l] = 1;
    }
  }
}

/**
 * Seed of the noise (reparameterization, binarization, corruption) of one step's share.
 * One thread keeps the seeds of the single-threaded trainer; with N threads each share
 * gets its own stream, so the same seed and N give the same run.
 */
export function stepSeed(seed: number, step: number, share: number, shares: number): number {
  return shares === 1 ? deriveSeed(seed, SALT.step, step) : deriveSeed(seed, SALT.step, step, share);
}

/** Rows of share w when b rows are split over n shares as evenly as possible. */
export function shareRows(b: number, n: number, w: number): { start: number; rows: number } {
  const base = Math.floor(b / n);
  const extra = b % n;
  return { start: w * base + Math.min(w, extra), rows: base + (w < extra ? 1 : 0) };
}
