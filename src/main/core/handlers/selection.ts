// Picking images out of a dataset for a call: index checks, the test split, and gathering the
// chosen images into one contiguous block the explore functions take.
import { AppFailure } from '../../../shared/contract';
import type { Dataset } from '../types';

/** Refuses work that needs images on a run that came in a bundle without them. */
export function needImages(m: { run: { id: number }; data: Dataset }, what: string): void {
  if (m.data.n === 0) throw new AppFailure('bad-input', `run ${m.run.id} came in a bundle without its images: ${what} the dataset`);
}

const noImages = (): AppFailure =>
  new AppFailure('bad-input', 'this run came in a bundle without its images: this needs the dataset it was trained on');

export function checkIndex(data: Dataset, i: number): void {
  if (data.n === 0) throw noImages();
  if (i < 0 || i >= data.n)
    throw new AppFailure('bad-args', `image ${i} does not exist (the dataset has ${data.n} images: 0..${data.n - 1})`);
}

/** Indices of the test split (or of everything, when the dataset has no test split), at most `limit`. */
export function testIndices(data: Dataset, limit: number): number[] {
  if (data.n === 0) throw noImages();
  const out: number[] = [];
  for (let i = 0; i < data.n && out.length < limit; i++) if (data.split[i] === 1) out.push(i);
  if (out.length === 0) for (let i = 0; i < data.n && out.length < limit; i++) out.push(i);
  return out;
}

/** The images at `idx` as uint8 [idx.length, h, w, c] and their labels. */
export function gather(data: Dataset, idx: number[]): { pixels: Uint8Array; labels: Int32Array } {
  const size = data.height * data.width * data.channels;
  const pixels = new Uint8Array(idx.length * size);
  const labels = new Int32Array(idx.length);
  idx.forEach((i, k) => {
    pixels.set(data.pixels.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = data.labels[i]!;
  });
  return { pixels, labels };
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
