// The scatter's UMAP layout on real MNIST digits: 0s and 1s (raw pixels) laid out in 2-D fall
// into two clusters, the same seed gives the same layout (in a worker thread or not), another
// seed another one, progress runs to the end, and a cancel ends the worker.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/main/core/data/mnist.js';
import { umapInWorker, umapLayout, type UmapProgress } from '../../src/main/core/explore/umap.js';

const PER_CLASS = 250;
const D = 784;
let points: Float32Array;
let labels: number[];

beforeAll(async () => {
  const all = await loadMnist();
  const take: number[] = [];
  const count = [0, 0];
  for (let i = 0; i < all.n && take.length < 2 * PER_CLASS; i++) {
    const l = all.labels[i]!;
    if (all.split[i] === 1 && (l === 0 || l === 1) && count[l]! < PER_CLASS) {
      take.push(i);
      count[l]!++;
    }
  }
  points = new Float32Array(take.length * D);
  take.forEach((i, k) => {
    for (let p = 0; p < D; p++) points[k * D + p] = all.pixels[i * D + p]! / 255;
  });
  labels = take.map((i) => all.labels[i]!);
});

/** Leave-one-out 5-nearest-neighbour accuracy of the labels in the layout. */
function knnAccuracy(xy: Float32Array, y: number[], k = 5): number {
  const n = y.length;
  let right = 0;
  for (let i = 0; i < n; i++) {
    const near = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .map((j) => ({ j, d: (xy[2 * i]! - xy[2 * j]!) ** 2 + (xy[2 * i + 1]! - xy[2 * j + 1]!) ** 2 }))
      .sort((a, b) => a.d - b.d)
      .slice(0, k);
    const ones = near.filter((p) => y[p.j] === 1).length;
    if ((ones > k / 2 ? 1 : 0) === y[i]) right++;
  }
  return right / n;
}

/** The distance between the two class centres over the classes' mean rms radius. */
function separation(xy: Float32Array, y: number[]): number {
  const centre = [0, 1].map((c) => {
    const idx = y.flatMap((l, i) => (l === c ? [i] : []));
    const cx = idx.reduce((s, i) => s + xy[2 * i]!, 0) / idx.length;
    const cy = idx.reduce((s, i) => s + xy[2 * i + 1]!, 0) / idx.length;
    const r = Math.sqrt(idx.reduce((s, i) => s + (xy[2 * i]! - cx) ** 2 + (xy[2 * i + 1]! - cy) ** 2, 0) / idx.length);
    return { cx, cy, r };
  });
  const [a, b] = centre as [(typeof centre)[0], (typeof centre)[0]];
  return Math.hypot(a.cx - b.cx, a.cy - b.cy) / ((a.r + b.r) / 2);
}

describe('UMAP layout', () => {
  it('separates real 0s from 1s and is reproducible for a seed, in a worker thread as in process', async () => {
    const n = labels.length;
    const progress: UmapProgress[] = [];
    const t0 = Date.now();
    const a = await umapInWorker(points, n, D, { seed: 7 }, (p) => progress.push(p));
    const ms = Date.now() - t0;
    const b = await umapInWorker(points, n, D, { seed: 7 }, () => undefined);
    const here = umapLayout(points, n, D, { seed: 7 });
    const other = await umapInWorker(points, n, D, { seed: 8 }, () => undefined);

    expect(a.length).toBe(n * 2);
    expect(a.every(Number.isFinite)).toBe(true);
    // the same seed: the same layout to the bit, wherever it is computed
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(here)).toEqual(Array.from(a));
    // another seed: another layout
    expect(Array.from(other)).not.toEqual(Array.from(a));

    const acc = knnAccuracy(a, labels);
    const sep = separation(a, labels);
    console.log(
      `umap: ${n} MNIST 0s and 1s (784 px) in ${ms} ms in a worker; 5-NN accuracy ${acc.toFixed(3)}, centre distance / radius ${sep.toFixed(2)}`,
    );
    expect(acc).toBeGreaterThan(0.97);
    expect(sep).toBeGreaterThan(2);
    // another seed separates them as well
    expect(knnAccuracy(other, labels)).toBeGreaterThan(0.97);

    // progress: the neighbour search first, then every epoch up to the last
    expect(progress[0]).toEqual({ phase: 'neighbours', done: 0, total: 1 });
    const last = progress.at(-1)!;
    expect(last.phase).toBe('layout');
    expect(last.done).toBe(last.total);
    expect(last.total).toBe(500); // umap-js's epochs for n <= 2500
  });

  it('ends the worker on a cancel, before or while it computes', async () => {
    const n = labels.length;
    const before = new AbortController();
    before.abort();
    await expect(umapInWorker(points, n, D, { seed: 1 }, () => undefined, before.signal)).rejects.toMatchObject({ name: 'AbortError' });

    const during = new AbortController();
    const t0 = Date.now();
    const p = umapInWorker(
      points,
      n,
      D,
      { seed: 1 },
      (q) => {
        if (q.phase === 'layout') during.abort();
      },
      during.signal,
    );
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('refuses too few points', () => {
    expect(() => umapLayout(new Float32Array(4), 2, 2, { seed: 0 })).toThrow(/n >= 3/);
  });
});
