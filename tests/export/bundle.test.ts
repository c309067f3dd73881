// Run bundles end to end: a run trained on real MNIST exported as one file, imported into a
// fresh data folder without its images, sampled there to the same pixels, and the bundles a
// reader must refuse (newer version, shapes that do not match) refused with a clear message.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withDataDir } from '../cli/harness';
import { trainTiny } from './tiny-run';

const a = withDataDir('ll-bundle-a-');
const b = withDataDir('ll-bundle-b-');

/** The bundle's header JSON and the bytes after it, to write tampered copies. */
function split(file: Buffer): { json: Record<string, unknown>; head: Buffer; rest: Buffer } {
  const len = file.readUInt32LE(8);
  return {
    json: JSON.parse(file.toString('utf8', 12, 12 + len)) as Record<string, unknown>,
    head: file.subarray(0, 8),
    rest: file.subarray(12 + len),
  };
}
function join3(head: Buffer, json: unknown, rest: Buffer): Buffer {
  const j = Buffer.from(JSON.stringify(json), 'utf8');
  const n = Buffer.alloc(4);
  n.writeUInt32LE(j.length, 0);
  return Buffer.concat([head, n, j, rest]);
}

describe('run bundles', () => {
  it('exports a run as one file, imports it into a fresh data folder and samples the same images there', async () => {
    await trainTiny(a.cli, 4, 2);
    const bundle = join(a.dir(), 'vae.llrun');
    const e = await a.cli('export-run', '--run', 'last', '--out', bundle);
    expect(e.err).toBe('');
    expect(e.out).toMatch(/wrote .*vae\.llrun \(\d+ kB: config, weights of epoch 2, 2 epochs of metrics; no images\)/);
    // no pixels inside: the weights (784-64-4 and back) and a little JSON, far less than one MNIST split
    const bytes = readFileSync(bundle);
    expect(bytes.length).toBeLessThan(600_000);
    expect(bytes.toString('latin1', 0, 4)).toBe('LLRB');

    const i = await b.cli('import-run', bundle);
    expect(i.err).toBe('');
    expect(i.out).toMatch(
      /imported run "vae-4 · MNIST digits" as run 1 \(2 epochs; dataset "MNIST digits" without its images: 28x28x1, 10 labels\)/,
    );
    const runs = await b.cli('runs');
    expect(runs.out).toMatch(/vae\s+4\s+done\s+2\/2/);

    // the same weights: the same samples, byte for byte, in both folders
    const sa = await a.cli('samples', '--run', 'last', '--n', '16', '--seed', '3', '--out', join(a.dir(), 's.png'));
    const sb = await b.cli('samples', '--run', 'last', '--n', '16', '--seed', '3', '--out', join(b.dir(), 's.png'));
    expect(sa.err + sb.err).toBe('');
    expect(readFileSync(join(b.dir(), 's.png')).equals(readFileSync(join(a.dir(), 's.png')))).toBe(true);
    // the sweep works and the dims come from the bundle (measured where the images were)
    expect((await b.cli('sweep', '--run', 'last', '--grid', '4', '--out', join(b.dir(), 'sw.png'))).code).toBe(0);
    const da = await a.cli('dims', '--run', 'last');
    const db = await b.cli('dims', '--run', 'last');
    expect(db.out).toBe(da.out);
    // what needs the images says so
    const r = await b.cli('reconstruct', '--run', 'last', '--out', join(b.dir(), 'r.png'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/run 1 came in a bundle without its images: reconstructions need the dataset/);

    const train = await b.cli('train', '--dataset', 'MNIST digits', '--epochs', '1');
    expect(train.err).toMatch(/dataset "MNIST digits" has no images \(it came with a run bundle\)/);
    const resume = await b.cli('resume', '--run', 'last');
    expect(resume.err).toMatch(/came in a bundle without its images: training it further needs the dataset/);

    // never overwrite a run: a second import is a second run
    const again = await b.cli('import-run', bundle);
    expect(again.out).toMatch(/as run 2/);
    expect((await b.cli('runs')).out.match(/done/g)).toHaveLength(2);
    // and the export refuses to overwrite its file without --force
    const twice = await a.cli('export-run', '--run', 'last', '--out', bundle);
    expect(twice.err).toMatch(/vae\.llrun already exists/);
  });

  it('refuses a bundle from a newer version, one whose weights do not fit its config, and a file that is not a bundle', async () => {
    const bundle = readFileSync(join(a.dir(), 'vae.llrun'));
    const { json, head, rest } = split(bundle);

    const newer = join(b.dir(), 'newer.llrun');
    writeFileSync(newer, join3(head, { ...json, version: 99 }, rest));
    const n = await b.cli('import-run', newer);
    expect(n.code).toBe(1);
    expect(n.err).toMatch(/newer\.llrun was written by a newer Latent Lab \(bundle version 99; this one reads 1\)/);

    const run = json.run as { config: Record<string, unknown> };
    const wrong = join(b.dir(), 'wrong.llrun');
    writeFileSync(wrong, join3(head, { ...json, run: { ...run, config: { ...run.config, latent: 8 } } }, rest));
    const w = await b.cli('import-run', wrong);
    expect(w.code).toBe(1);
    expect(w.err).toMatch(/wrong\.llrun: the weights do not match the run's config/);

    const shape = join(b.dir(), 'shape.llrun');
    writeFileSync(shape, join3(head, { ...json, dataset: { ...(json.dataset as object), height: 32 } }, rest));
    expect((await b.cli('import-run', shape)).err).toMatch(/shape\.llrun: the weights do not match the run's config/);

    const junk = join(b.dir(), 'junk.llrun');
    writeFileSync(junk, 'not a bundle at all');
    expect((await b.cli('import-run', junk)).err).toMatch(/junk\.llrun is not a Latent Lab run bundle/);
    // nothing half-imported is left behind
    expect((await b.cli('runs')).out.match(/done/g)).toHaveLength(2);
  });
});
