import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readFile, writeFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDatasetFile, readDatasetFile, readDatasetHeader } from '../../src/main/core/data/dataset-file.js';
import { stratifiedSplit } from '../../src/main/core/data/split.js';
import type { Dataset } from '../../src/main/core/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'll-dsf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sample(): Dataset {
  const n = 7,
    height = 5,
    width = 4,
    channels = 3 as const;
  const pixels = new Uint8Array(n * height * width * channels).map((_, i) => (i * 37) & 255);
  return {
    n,
    height,
    width,
    channels,
    pixels,
    labels: Int32Array.from([0, 1, 2, -1, 1, 0, 2]),
    split: Uint8Array.from([0, 0, 1, 0, 1, 0, 0]),
    labelNames: ['chat', 'Straße', '猫'],
  };
}

describe('dataset file', () => {
  it('round-trips a dataset and leaves no temp file', async () => {
    const ds = sample();
    const p = join(dir, 'a.llds');
    await writeDatasetFile(p, ds);
    const back = await readDatasetFile(p);
    expect(back).toEqual(ds);
    const h = await readDatasetHeader(p);
    expect(h).toMatchObject({ n: 7, height: 5, width: 4, channels: 3, labelNames: ['chat', 'Straße', '猫'] });
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('names the file for wrong magic, truncation and a corrupt header', async () => {
    const p = join(dir, 'b.llds');
    await writeDatasetFile(p, sample());
    const bytes = await readFile(p);

    const trunc = join(dir, 'trunc.llds');
    await writeFile(trunc, bytes.subarray(0, bytes.length - 3));
    await expect(readDatasetFile(trunc)).rejects.toThrow(/trunc\.llds is corrupt: truncated/);

    const magic = join(dir, 'magic.llds');
    const m = Buffer.from(bytes);
    m.write('PNG!', 0, 'latin1');
    await writeFile(magic, m);
    await expect(readDatasetFile(magic)).rejects.toThrow(/magic\.llds is corrupt: wrong magic/);

    const chan = join(dir, 'chan.llds');
    const c = Buffer.from(bytes);
    c.writeUInt32LE(2, 24); // channels = 2
    await writeFile(chan, c);
    await expect(readDatasetHeader(chan)).rejects.toThrow(/chan\.llds is corrupt: channels = 2/);

    const tiny = join(dir, 'tiny.llds');
    await writeFile(tiny, Buffer.from('LLDS'));
    await expect(readDatasetFile(tiny)).rejects.toThrow(/tiny\.llds is corrupt/);

    const badLabel = join(dir, 'label.llds');
    const l = Buffer.from(bytes);
    const labelsAt = (await readDatasetHeader(p)).headerBytes + 7 * 5 * 4 * 3;
    l.writeInt32LE(9, labelsAt);
    await writeFile(badLabel, l);
    await expect(readDatasetFile(badLabel)).rejects.toThrow(/label\.llds is corrupt: image 0 has label 9/);
  });

  it('refuses an inconsistent dataset and keeps the old file', async () => {
    const p = join(dir, 'c.llds');
    await writeDatasetFile(p, sample());
    const before = await stat(p);
    const bad = { ...sample(), pixels: new Uint8Array(3) };
    await expect(writeDatasetFile(p, bad)).rejects.toThrow(/pixels has 3 bytes/);
    expect((await stat(p)).size).toBe(before.size);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('stratifiedSplit', () => {
  it('is seeded, stratified, and keeps a train image for every label with >= 2 images', () => {
    const labels = new Int32Array(1000 + 2 + 1 + 5);
    for (let i = 0; i < 1000; i++) labels[i] = i % 10;
    labels.set([10, 10, 11, -1, -1, -1, -1, -1], 1000);
    const a = stratifiedSplit(labels, 0.1, 42);
    const b = stratifiedSplit(labels, 0.1, 42);
    const c = stratifiedSplit(labels, 0.1, 43);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    for (let k = 0; k < 10; k++) {
      let t = 0;
      for (let i = 0; i < 1000; i++) if (labels[i] === k && a[i]) t++;
      expect(t).toBe(10);
    }
    expect(a[1000]! + a[1001]!).toBeLessThanOrEqual(1); // label 10: at least one train image
    expect(a[1002]).toBe(0); // single image goes to train
    const big = stratifiedSplit(labels, 0.9, 1);
    expect(big[1000]! + big[1001]!).toBe(1);
    expect(() => stratifiedSplit(labels, 1, 1)).toThrow(/testShare/);
  });
});
