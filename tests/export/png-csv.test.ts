import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { composeGrid, encodePng, readPngText, writeFileAtomic } from '../../src/main/core/export/png.js';
import { toCsv } from '../../src/main/core/export/csv.js';
import { loadMnist } from '../../src/main/core/data/mnist.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'll-png-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every chunk's CRC, checked with Node's own crc32 (independent of ours). */
function chunksOf(png: Buffer): { type: string; ok: boolean }[] {
  const out = [];
  for (let pos = 8; pos + 12 <= png.length;) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    out.push({ type, ok: crc32(png.subarray(pos + 4, pos + 8 + len)) === png.readUInt32BE(pos + 8 + len) });
    pos += 12 + len;
  }
  return out;
}

describe('PNG grid export', () => {
  it('composes MNIST digits with scale and gutter, and sharp decodes the same pixels', async () => {
    const mnist = await loadMnist();
    const n = 10,
      cols = 4,
      scale = 3,
      gutter = 2;
    const tiles = mnist.pixels.subarray(0, n * 784);
    const grid = composeGrid({ tiles, n, height: 28, width: 28, channels: 1, cols, scale, gutter });
    // 4 columns, 3 rows (last one partial)
    expect(grid.width).toBe(4 * 84 + 5 * 2);
    expect(grid.height).toBe(3 * 84 + 4 * 2);
    const text = { 'latent-lab': JSON.stringify({ run: 7, dims: [0, 1], range: [-3, 3] }), Title: 'Sweep', Comment: 'ünïcödé ∑ 潜在' };
    const png = await encodePng(grid, text);
    const path = join(dir, 'grid.png');
    await writeFileAtomic(path, png);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);

    const onDisk = await readFile(path);
    expect(chunksOf(onDisk).every((c) => c.ok)).toBe(true);
    expect(chunksOf(onDisk).map((c) => c.type)).toContain('iTXt');
    expect(chunksOf(onDisk).at(-1)?.type).toBe('IEND');
    // text sits before IDAT, so libvips-based readers see it too
    const types = chunksOf(onDisk).map((c) => c.type);
    expect(types.indexOf('tEXt')).toBeLessThan(types.indexOf('IDAT'));
    const comments = (await sharp(onDisk).metadata()).comments ?? [];
    expect(comments.find((c) => c.keyword === 'Title')?.text).toBe('Sweep');
    expect(readPngText(onDisk)).toEqual(text);

    expect(onDisk[25]).toBe(0); // IHDR colour type 0: a one-channel gray PNG
    // sharp's raw output is sRGB by default; ask for the gray channel
    const { data, info } = await sharp(onDisk).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([grid.width, grid.height, 1]);
    const at = (x: number, y: number) => data[y * info.width + x];
    // gutters are white
    expect(at(0, 0)).toBe(255);
    expect(at(gutter + 84, 50)).toBe(255);
    expect(at(50, gutter + 84 + 1)).toBe(255);
    // tile k, pixel (px, py) lands at gutter + col*(84+gutter) + px*scale (+0..2)
    for (const [k, px, py] of [
      [0, 14, 14],
      [5, 10, 20],
      [9, 27, 0],
      [3, 15, 9],
    ] as [number, number, number][]) {
      const x0 = gutter + (k % cols) * (84 + gutter) + px * scale;
      const y0 = gutter + Math.floor(k / cols) * (84 + gutter) + py * scale;
      const v = tiles[k * 784 + py * 28 + px]!;
      for (let s = 0; s < 9; s++) expect(at(x0 + (s % 3), y0 + Math.floor(s / 3))).toBe(v);
    }
    // the unused cells of the last row stay background
    expect(at(grid.width - 10, grid.height - 10)).toBe(255);
  });

  it('keeps RGB tiles and Latin-1 text as tEXt', async () => {
    const tiles = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]); // two 1x2 RGB tiles
    const grid = composeGrid({ tiles, n: 2, height: 1, width: 2, channels: 3, cols: 2, scale: 2, gutter: 0, background: 0 });
    expect([grid.width, grid.height]).toEqual([8, 2]);
    const png = await encodePng(grid, { Software: 'Latent Lab café' });
    expect(chunksOf(png).map((c) => c.type)).toContain('tEXt');
    expect(readPngText(png)).toEqual({ Software: 'Latent Lab café' });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect(Array.from(data.subarray(0, 6))).toEqual([255, 0, 0, 255, 0, 0]);
    expect(Array.from(data.subarray(24 + 18, 24 + 24))).toEqual([10, 20, 30, 10, 20, 30]);
  });

  it('rejects bad arguments and detects a damaged text chunk', async () => {
    const tiles = new Uint8Array(4);
    expect(() => composeGrid({ tiles, n: 2, height: 1, width: 1, channels: 1, cols: 1 })).toThrow(/tiles has 4 bytes/);
    expect(() => composeGrid({ tiles, n: 4, height: 1, width: 1, channels: 1, cols: 2, scale: 1.5 })).toThrow(/scale/);
    const grid = composeGrid({ tiles, n: 4, height: 1, width: 1, channels: 1, cols: 2 });
    await expect(encodePng(grid, { '': 'x' })).rejects.toThrow(/not a valid PNG keyword/);
    const png = await encodePng(grid, { key: 'value' });
    const bad = Buffer.from(png);
    bad[bad.indexOf('value') + 1]! ^= 1;
    expect(() => readPngText(bad)).toThrow(/CRC mismatch in chunk tEXt/);
  });
});

describe('toCsv', () => {
  it('quotes what needs quoting and keeps column order', () => {
    const csv = toCsv([
      { epoch: 1, loss: 120.5, note: 'plain' },
      { epoch: 2, loss: NaN, note: 'has, comma', extra: true },
      { epoch: 3, loss: -1e-7, note: 'say "hi"\nthen go' },
      { epoch: 4, note: ' padded', loss: null },
    ]);
    expect(csv).toBe(
      'epoch,loss,note,extra\r\n' +
        '1,120.5,plain,\r\n' +
        '2,NaN,"has, comma",true\r\n' +
        '3,-1e-7,"say ""hi""\nthen go",\r\n' +
        '4,," padded",\r\n',
    );
    expect(toCsv([{ a: 1, b: 2 }], ['b', 'a'])).toBe('b,a\r\n2,1\r\n');
    expect(toCsv([], ['x'])).toBe('x\r\n');
  });
});
