import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile, mkdir, symlink, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { importFolder, probeFolder, scanFolder, type ImportProgress } from '../../src/main/core/data/folder.js';

const FACES = '/work/shared/data/att-faces';
let root: string;

const solid = (w: number, h: number, rgb: [number, number, number]) =>
  sharp(
    Buffer.alloc(w * h * 3).map((_, i) => rgb[i % 3]!),
    { raw: { width: w, height: h, channels: 3 } },
  );

function pngChunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const tb = Buffer.from(type, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([tb, body])));
  return Buffer.concat([len, tb, body, crc]);
}

/** A PNG whose IHDR claims 20000 x 20000 RGB (400 MP) with no pixel data behind it. */
function hugePngHeader(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(20000, 0);
  ihdr.writeUInt32BE(20000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'll-messy-'));
  const cats = join(root, 'cats');
  const dogs = join(root, 'dogs');
  await mkdir(join(cats, 'nested', 'deep'), { recursive: true });
  await mkdir(dogs);
  await mkdir(join(root, 'junk'));
  await mkdir(join(root, '.hiddendir'));
  const red: [number, number, number] = [220, 30, 40];
  await solid(40, 30, red).png().toFile(join(cats, 'a.png'));
  await solid(50, 50, red).jpeg({ quality: 95 }).toFile(join(cats, 'b.jpg'));
  await solid(20, 64, red).webp({ lossless: true }).toFile(join(cats, 'c.webp'));
  await solid(33, 17, red).gif().toFile(join(cats, 'd.gif'));
  await solid(16, 16, red).tiff().toFile(join(cats, 'e.tiff'));
  await solid(32, 32, red).avif({ effort: 0 }).toFile(join(cats, 'f.avif'));
  await writeFile(
    join(cats, 'g.ppm'),
    Buffer.concat([Buffer.from('P6\n2 2\n255\n'), Buffer.from([220, 30, 40, 220, 30, 40, 220, 30, 40, 220, 30, 40])]),
  );
  await writeFile(join(cats, 'nested', 'deep', 'h.pgm'), 'P2\n# nested, 16-bit\n2 2\n65535\n0 65535 65535 0\n');
  await symlink('../..', join(cats, 'nested', 'deep', 'back-to-cats')); // a loop
  const green: [number, number, number] = [10, 200, 30];
  await solid(28, 28, green).png().toFile(join(dogs, 'ünïcödé 犬.png'));
  await writeFile(join(dogs, 'ok.pgm'), 'P5 1 1 255\n\x80');
  const good = await solid(64, 64, green).png({ compressionLevel: 0 }).toBuffer();
  await writeFile(join(dogs, 'noext'), good); // sniffed as PNG
  await writeFile(join(dogs, 'corrupt.png'), good.subarray(0, good.length >> 1));
  await writeFile(join(dogs, 'empty.jpg'), Buffer.alloc(0));
  const jpg = await solid(64, 64, green).jpeg().toBuffer();
  await writeFile(join(dogs, 'cut.jpg'), jpg.subarray(0, Math.floor(jpg.length * 0.8))); // truncated
  await writeFile(join(dogs, 'notes.txt'), 'these are my dogs\n');
  await writeFile(join(dogs, 'fake.jpg'), 'I am not a JPEG, just text pretending to be one.\n');
  await writeFile(join(dogs, 'huge.png'), hugePngHeader());
  await writeFile(join(dogs, 'pic.bmp'), Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]));
  await writeFile(join(dogs, '.hidden.png'), good);
  await writeFile(join(root, '.hiddendir', 'x.png'), good);
  await symlink('..', join(dogs, 'loop')); // back to the root
  await symlink(join(root, 'nowhere.png'), join(dogs, 'dangling.png'));
  await writeFile(join(root, 'junk', 'only.txt'), 'nothing to see');
  await solid(10, 10, [10, 200, 30]).png().toFile(join(root, 'loose.png'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('importFolder on a messy folder', () => {
  it('imports the good images and records every skipped file with its reason', async () => {
    const progress: ImportProgress[] = [];
    const r = await importFolder(root, { color: 'rgb', side: 16, resize: 'crop', testShare: 0.2, seed: 7 }, (p) => progress.push(p));
    const byName = Object.fromEntries(r.skipped.map((s) => [basename(s.path), s]));
    expect(Object.fromEntries(Object.entries(byName).map(([k, v]) => [k, v.reason]))).toEqual({
      'corrupt.png': 'corrupt',
      'cut.jpg': 'corrupt',
      'empty.jpg': 'empty',
      'notes.txt': 'not-an-image',
      'fake.jpg': 'not-an-image',
      'huge.png': 'too-many-pixels',
      'pic.bmp': 'unsupported-format',
      'only.txt': 'not-an-image',
      'dangling.png': 'unreadable',
      // the loops, listed rather than walked again
      'back-to-cats': 'not-followed',
      loop: 'not-followed',
    });
    expect(byName['fake.jpg']!.detail).toMatch(/named \.jpg but contains text/);
    expect(byName['huge.png']!.detail).toMatch(/20000x20000/);
    // libvips keeps one error buffer per thread, so with decodes running side by side the text
    // can come from another file's failure; the reason (checked above) is what is reliable.
    expect(byName['cut.jpg']!.detail).toMatch(/premature end|corrupt|read error/);

    const kept = r.files.map((f) => f.path.slice(root.length + 1));
    expect(kept).toEqual([
      'cats/a.png',
      'cats/b.jpg',
      'cats/c.webp',
      'cats/d.gif',
      'cats/e.tiff',
      'cats/f.avif',
      'cats/g.ppm',
      'cats/nested/deep/h.pgm',
      'dogs/noext',
      'dogs/ok.pgm',
      'dogs/ünïcödé 犬.png',
      'loose.png',
    ]);
    const ds = r.dataset;
    expect(ds.n).toBe(12);
    expect([ds.height, ds.width, ds.channels]).toEqual([16, 16, 3]);
    expect(ds.labelNames).toEqual(['cats', 'dogs']);
    expect(Array.from(ds.labels)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, -1]);
    expect(r.files.map((f) => f.label)).toEqual(Array.from(ds.labels));
    expect(ds.split.length).toBe(12);

    // every red image (except the lossy ones, within a margin) is red all over, centre included
    const px = (k: number, x: number, y: number) =>
      Array.from(ds.pixels.subarray((k * 256 + y * 16 + x) * 3, (k * 256 + y * 16 + x) * 3 + 3));
    for (const k of [0, 2, 3, 4, 6]) expect(px(k, 8, 8)).toEqual([220, 30, 40]);
    for (const k of [1, 5]) {
      const [r0, g0, b0] = px(k, 8, 8) as [number, number, number];
      expect(Math.abs(r0 - 220) + Math.abs(g0 - 30) + Math.abs(b0 - 40)).toBeLessThan(30);
    }
    expect(px(11, 0, 0)).toEqual([10, 200, 30]);
    // the 16-bit P2 2x2 checkerboard upscaled: corners black/white
    expect(px(7, 0, 0)[0]).toBeLessThan(40);
    expect(px(7, 15, 0)[0]).toBeGreaterThan(215);

    const last = progress[progress.length - 1];
    expect(last).toEqual({ scanned: 23, decoded: 12, skipped: 11, total: 23 });
  });

  it('pads with black in fit mode and converts to gray', async () => {
    const r = await importFolder(join(root, 'cats'), { color: 'gray', side: 20, resize: 'fit', testShare: 0, seed: 1 });
    expect(r.dataset.channels).toBe(1);
    // cats/ has no subfolder labels except 'nested'
    expect(r.dataset.labelNames).toEqual(['nested']);
    // a.png is 40x30 -> 20x15 letterboxed: top row black, centre the luma of red
    const a = r.dataset.pixels.subarray(0, 400);
    expect(a[0]).toBe(0);
    // libvips takes luminance in linear light: Y = 0.2126 R + 0.7152 G + 0.0722 B, sRGB-encoded
    const lin = (v: number) => ((v / 255 + 0.055) / 1.055) ** 2.4;
    const y = 0.2126 * lin(220) + 0.7152 * lin(30) + 0.0722 * lin(40);
    const luma = 255 * (1.055 * y ** (1 / 2.4) - 0.055);
    expect(Math.abs(a[10 * 20 + 10]! - luma)).toBeLessThan(4);
  });

  it('scans without following the loops and probes the folder', async () => {
    const s = await scanFolder(root);
    expect(s.files.length).toBe(20);
    expect(s.errors.map((e) => basename(e.path))).toEqual(['back-to-cats', 'dangling.png', 'loop']);
    const p = await probeFolder(root);
    expect(p.files).toBe(20);
    expect(p.gray).toBe(false);
    expect(p.labels).toEqual(['cats', 'dogs']);
    expect(p.imageFiles).toBe(17); // every image-named or image-sniffed file, bad ones included
  });

  it('cancels mid-import with an AbortError', async () => {
    const dir = join(root, '..', `${basename(root)}-many`);
    await mkdir(join(dir, 'x'), { recursive: true });
    try {
      const png = await solid(24, 24, [1, 2, 3]).png().toBuffer();
      await Promise.all(Array.from({ length: 400 }, (_, i) => writeFile(join(dir, 'x', `${i}.png`), png)));
      const ac = new AbortController();
      let seen = 0;
      const p = importFolder(
        dir,
        { color: 'gray', side: 16, resize: 'fit', testShare: 0.1, seed: 1 },
        (pr) => {
          seen = pr.decoded;
          if (pr.decoded > 0) ac.abort();
        },
        ac.signal,
      );
      await expect(p).rejects.toMatchObject({ name: 'AbortError' });
      expect(seen).toBeLessThan(400);
      const pre = new AbortController();
      pre.abort();
      await expect(
        importFolder(dir, { color: 'gray', side: 16, resize: 'fit', testShare: 0.1, seed: 1 }, undefined, pre.signal),
      ).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!existsSync(FACES))('the AT&T faces', () => {
  it('import as 400 gray 64x64 images in 40 labels', async () => {
    const r = await importFolder(FACES, { color: 'auto', side: 64, resize: 'fit', testShare: 0.1, seed: 1 });
    const ds = r.dataset;
    expect(ds.n).toBe(400);
    expect(ds.channels).toBe(1);
    expect([ds.height, ds.width]).toEqual([64, 64]);
    expect(ds.labelNames.length).toBe(40);
    expect(ds.labelNames.slice(0, 3)).toEqual(['s1', 's2', 's3']);
    const counts = new Array(40).fill(0);
    const test = new Array(40).fill(0);
    for (let i = 0; i < 400; i++) {
      counts[ds.labels[i]!]++;
      test[ds.labels[i]!] += ds.split[i];
    }
    expect(counts.every((c) => c === 10)).toBe(true);
    expect(test.every((c) => c === 1)).toBe(true);
    // faces fill the middle; the letterbox columns at the sides are black
    expect(ds.pixels[32 * 64 + 32]).toBeGreaterThan(0);
    expect(ds.pixels[32 * 64 + 0]).toBe(0);
    expect(r.skipped.map((s) => [basename(s.path), s.reason])).toEqual(
      (await readdir(FACES)).filter((f) => !f.startsWith('s')).map((f) => [f, 'not-an-image']),
    );
  });
});
if (!existsSync(FACES)) console.warn(`faces test skipped: ${FACES} is absent`);
