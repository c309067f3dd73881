import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { loadMnist } from '../../src/main/core/data/mnist.js';
import { parseIdx, importIdx } from '../../src/main/core/data/idx.js';
import type { Dataset } from '../../src/main/core/types.js';

let dir: string;
let mnist: Dataset;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'll-idx-'));
  mnist = await loadMnist();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Builds an IDX buffer (big-endian header) from u8 data. */
function idxU8(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, data]);
}

describe('loadMnist', () => {
  it('gives the 70k digits with the official 60k/10k split', () => {
    expect(mnist.n).toBe(70000);
    expect([mnist.height, mnist.width, mnist.channels]).toEqual([28, 28, 1]);
    expect(mnist.pixels.length).toBe(70000 * 784);
    expect(mnist.labelNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // first 60k train, last 10k test
    expect(mnist.split.subarray(0, 60000).every((s) => s === 0)).toBe(true);
    expect(mnist.split.subarray(60000).every((s) => s === 1)).toBe(true);
  });

  it('has the known label histograms and first labels', () => {
    const hist = (from: number, to: number) => {
      const h = new Array(10).fill(0);
      for (let i = from; i < to; i++) h[mnist.labels[i]!]++;
      return h;
    };
    // published MNIST class counts
    expect(hist(0, 60000)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(hist(60000, 70000)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(Array.from(mnist.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(mnist.labels.subarray(60000, 60005))).toEqual([7, 2, 1, 0, 4]);
  });

  it('has plausible pixels (mean intensity of MNIST ~33.3/255, a 5 in the first image)', () => {
    let sum = 0;
    for (let i = 0; i < 60000 * 784; i++) sum += mnist.pixels[i]!;
    const mean = sum / (60000 * 784);
    expect(mean).toBeGreaterThan(33.0);
    expect(mean).toBeLessThan(33.6);
    // the first image: corners blank, the centre row has ink
    const img = mnist.pixels.subarray(0, 784);
    expect(img[0]).toBe(0);
    expect(img[783]).toBe(0);
    expect(img.reduce((a, b) => a + b, 0)).toBe(27525);
  });
});

describe('IDX', () => {
  const imgs = () => mnist.pixels.subarray(0, 50 * 784);
  const labs = () => Uint8Array.from(mnist.labels.subarray(0, 50));

  it('round-trips raw and gzipped files, with and without labels', async () => {
    const rawX = idxU8([50, 28, 28], imgs());
    const rawY = idxU8([50], labs());
    await writeFile(join(dir, 'x.idx'), rawX);
    await writeFile(join(dir, 'y.idx'), rawY);
    await writeFile(join(dir, 'x.idx.gz'), gzipSync(rawX));
    await writeFile(join(dir, 'y.idx.gz'), gzipSync(rawY));

    const p = parseIdx(rawX);
    expect(p.dims).toEqual([50, 28, 28]);
    expect(p.type).toBe('u8');

    for (const [x, y] of [
      ['x.idx', 'y.idx'],
      ['x.idx.gz', 'y.idx.gz'],
    ] as [string, string][]) {
      const ds = await importIdx(join(dir, x), join(dir, y), { testShare: 0.2, seed: 3 });
      expect(ds.n).toBe(50);
      expect([ds.height, ds.width, ds.channels]).toEqual([28, 28, 1]);
      expect(createHash('sha1').update(ds.pixels).digest('hex')).toBe(createHash('sha1').update(imgs()).digest('hex'));
      expect(Array.from(ds.labels)).toEqual(Array.from(labs()));
      expect(ds.labelNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      const nTest = ds.split.reduce((a, b) => a + b, 0);
      expect(nTest).toBeGreaterThan(5);
      expect(nTest).toBeLessThan(15);
    }
    const unlabelled = await importIdx(join(dir, 'x.idx.gz'));
    expect(unlabelled.labels.every((l) => l === -1)).toBe(true);
    expect(unlabelled.labelNames).toEqual([]);
  });

  it('decodes wider big-endian types', () => {
    const head = Buffer.alloc(8);
    head[2] = 0x0c; // i32
    head[3] = 1;
    head.writeUInt32BE(3, 4);
    const body = Buffer.alloc(12);
    [7, -2, 70000].forEach((v, i) => body.writeInt32BE(v, 4 * i));
    const p = parseIdx(Buffer.concat([head, body]));
    expect(p.type).toBe('i32');
    expect(Array.from(p.data)).toEqual([7, -2, 70000]);
  });

  it('gives clear errors for truncated, wrong-magic and mismatched files', async () => {
    const rawX = idxU8([50, 28, 28], imgs());
    expect(() => parseIdx(rawX.subarray(0, rawX.length - 10), 'a.idx')).toThrow(/a\.idx: truncated/);
    expect(() => parseIdx(rawX.subarray(0, 9), 'a.idx')).toThrow(/truncated inside the header/);
    expect(() => parseIdx(Buffer.from('hello world, not idx'), 'b.idx')).toThrow(/b\.idx: wrong magic/);
    expect(() => parseIdx(gzipSync(rawX).subarray(0, 500), 'c.idx.gz')).toThrow(/c\.idx\.gz: gzip stream is corrupt or truncated/);
    await writeFile(join(dir, 'y40.idx'), idxU8([40], labs().subarray(0, 40)));
    await writeFile(join(dir, 'x.idx'), rawX);
    await expect(importIdx(join(dir, 'x.idx'), join(dir, 'y40.idx'))).rejects.toThrow(/40 labels .* 50 images/);
  });
});
