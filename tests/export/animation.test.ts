// Animated walks end to end: a real MNIST model, `latent-lab animate` and export:animation,
// the GIF and WebP decoded by sharp (libvips) and their frames counted block by block.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { invoke } from '../../src/main/dispatch';
import { readAnimation } from '../../src/main/core/export/animation';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { withDataDir } from '../cli/harness';
import { trainTiny } from './tiny-run';

const { cli, dir } = withDataDir('ll-anim-');
let svc: LatentLabService;

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Every frame as sharp decodes it: [pages, pageHeight, width, channels]. */
async function decodeFrames(file: Buffer): Promise<{ pages: number; pageHeight: number; width: number; data: Buffer; channels: number }> {
  const { data, info } = await sharp(file, { pages: -1 }).raw().toBuffer({ resolveWithObject: true });
  return { pages: info.pages ?? 1, pageHeight: info.pageHeight ?? info.height, width: info.width, data, channels: info.channels };
}

beforeAll(async () => {
  await trainTiny(cli, 4);
}, 300_000);
afterAll(async () => {
  await svc?.close();
});

describe('latent-lab animate', () => {
  it('writes an A -> B -> C -> A loop as a GIF with one frame per step and its settings in comments', async () => {
    const out = join(dir(), 'loop.gif');
    const r = await cli(
      'animate',
      '--run',
      'last',
      '--through',
      '0,1,2',
      '--loop',
      '--steps',
      '6',
      '--fps',
      '10',
      '--scale',
      '2',
      '--out',
      out,
    );
    expect(r.err).toBe('');
    expect(r.out).toMatch(/wrote .*loop\.gif \(15 frames of 56x56, 100 ms each\)/);
    const file = readFileSync(out);
    // three legs of 6 frames, each joint once, the last frame one short of A again
    const d = await decodeFrames(file);
    expect(d.pages).toBe(15);
    expect([d.width, d.pageHeight]).toEqual([56, 56]);
    const meta = await sharp(file, { animated: true }).metadata();
    expect(meta.loop).toBe(0);
    expect(meta.delay).toEqual(new Array(15).fill(100));
    const info = readAnimation(file);
    expect(info.format).toBe('gif');
    expect(info.frames).toBe(15);
    expect(info.text.Software).toMatch(/^Latent Lab /);
    expect(JSON.parse(info.text['latent-lab:spec']!)).toMatchObject({ kind: 'interpolate', images: [0, 1, 2], loop: true, steps: 6 });
    expect(JSON.parse(info.text['latent-lab:animation']!)).toEqual({ format: 'gif', fps: 10, scale: 2, frames: 15 });
    expect(JSON.parse(info.text['latent-lab:run']!).config.latent).toBe(4);
    // consecutive frames differ (a walk, not a still) and the frames are digits (dark ground)
    const size = d.pageHeight * d.width * d.channels;
    expect(d.data.subarray(0, size).equals(d.data.subarray(5 * size, 6 * size))).toBe(false);
    // one frame as a PNG to look at
    await sharp(d.data.subarray(5 * size, 6 * size), { raw: { width: d.width, height: d.pageHeight, channels: d.channels as 4 } })
      .png()
      .toFile(join(dir(), 'frame5.png'));
  });

  it('refuses to overwrite without --force, and overwrites with it', async () => {
    const out = join(dir(), 'loop.gif');
    const before = readFileSync(out);
    const r = await cli('animate', '--run', 'last', '--through', '3,4', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/loop\.gif already exists; choose another name, or overwrite it/);
    expect(readFileSync(out).equals(before)).toBe(true);
    const f = await cli('animate', '--run', 'last', '--through', '3,4', '--steps', '5', '--out', out, '--force');
    expect(f.err).toBe('');
    expect(readAnimation(readFileSync(out)).frames).toBe(5);
  });

  it('traverses one dimension up and back as an animated WebP with its settings in XMP', async () => {
    const out = join(dir(), 'z1.webp');
    const r = await cli('animate', '--run', 'last', '--dim', '1', '--range', '-2,2', '--steps', '8', '--fps', '20', '--out', out);
    expect(r.err).toBe('');
    const file = readFileSync(out);
    const d = await decodeFrames(file);
    // 8 up, 6 back down (neither end twice)
    expect(d.pages).toBe(14);
    expect(readAnimation(file)).toMatchObject({ format: 'webp', frames: 14 });
    const meta = await sharp(file, { animated: true }).metadata();
    expect(meta.delay).toEqual(new Array(14).fill(50));
    const spec = JSON.parse(readAnimation(file).text['latent-lab:spec']!);
    expect(spec).toMatchObject({ kind: 'traverse', dim: 1, range: [-2, 2], bounce: true });
    // frame k and frame 14 - k show the same value of z1 on the way up and down
    const size = d.pageHeight * d.width * d.channels;
    expect(d.data.subarray(3 * size, 4 * size).equals(d.data.subarray(11 * size, 12 * size))).toBe(true);
  });

  it('refuses a walk with no kind, or two, naming the flags', async () => {
    const r = await cli('animate', '--run', 'last', '--out', join(dir(), 'x.gif'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--through .* --dim .* --path/);
    const bad = await cli('animate', '--run', 'last', '--dim', '0', '--out', join(dir(), 'x.png'));
    expect(bad.err).toMatch(/--format: gif or webp/);
  });
});

describe('export:animation', () => {
  beforeAll(async () => {
    svc = await openService({ dataDir: dir(), door: 'cli' });
  });

  it('walks a path of latent points (the cells of a sweep walk) and returns the bytes without a path', async () => {
    const runId = value(await invoke(svc, 'runs:list', {}))[0]!.id;
    const points = [
      [0, 0, 0, 0],
      [2, 0, 0, 0],
      [2, -2, 0, 0],
    ];
    const a = value(await invoke(svc, 'export:animation', { walk: { kind: 'path', runId, points, steps: 4 }, format: 'gif', scale: 1 }));
    expect(a.path).toBeNull();
    expect(a.frames).toBe(7);
    expect([a.width, a.height]).toEqual([28, 28]);
    expect((await decodeFrames(Buffer.from(a.bytes))).pages).toBe(7);
    writeFileSync(join(dir(), 'path.gif'), a.bytes);

    const wrong = await invoke(svc, 'export:animation', {
      walk: {
        kind: 'path',
        runId,
        points: [
          [0, 0],
          [1, 1],
        ],
      },
    });
    expect(!wrong.ok && wrong.error).toMatchObject({ code: 'bad-args', message: expect.stringMatching(/points\.0: expected 4 values/) });
    const long = await invoke(svc, 'export:animation', {
      walk: { kind: 'interpolate', runId, images: Array.from({ length: 16 }, (_, i) => i), steps: 100 },
    });
    expect(!long.ok && long.error).toMatchObject({ code: 'bad-args', message: expect.stringMatching(/over the limit of 600/) });
  });
});
