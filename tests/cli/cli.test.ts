// The CLI end to end in a temporary data folder: real MNIST, real training, real PNGs.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgv } from '../../src/main/cli';
import { readPngText } from '../../src/main/core/export/png';
import { cliIn } from './harness';

const FACES = join(__dirname, '../../../shared/data/att-faces');
let dir: string;

const cli = cliIn(() => dir);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'll-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('argv', () => {
  it('keeps negative numbers as values', () => {
    expect(parseArgv(['sweep', '--range', '-2,2', '--dims', '0,1', '--gray'])).toEqual({
      positional: ['sweep'],
      flags: { range: '-2,2', dims: '0,1', gray: true },
    });
  });
});

describe('latent-lab, end to end', () => {
  it('imports MNIST and says how many images it took', async () => {
    const r = await cli('import', 'mnist');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/70000 images imported, 0 skipped \(60000 train \/ 10000 test, 28x28x1, 10 labels\)/);
  });

  it.skipIf(!existsSync(FACES))(
    'imports the faces folder with its 40 labels (skipped when ../shared/data/att-faces is absent)',
    async () => {
      const r = await cli('import', FACES, '--name', 'faces', '--side', '32');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/400 images imported, 1 skipped .* 32x32x1, 40 labels/);
    },
  );

  it.skipIf(!existsSync(FACES))(
    'trains the faces on the defaults of grey photographs where no flag is given (skipped when ../shared/data/att-faces is absent)',
    async () => {
      const r = await cli('train', '--dataset', 'faces', '--epochs', '2', '--threads', '1');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(
        /^defaults for "faces" \(grey, 32 px, 360 training images\): --family mlp --hidden 400 --latent 10 --likelihood gaussian --sigma 0\.354 --batch 32 --warmup 20$/m,
      );
      expect(r.out).toMatch(/^best held-out loss -?[\d.]+ nats at epoch [12]: /m);
    },
  );

  it('refuses bad input with a message naming the field', async () => {
    const r = await cli('train', '--dataset', 'nope');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no dataset "nope"/);
    const r2 = await cli('train', '--dataset', 'MNIST digits', '--latent', '1');
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/latent/);
  });

  it('trains a VAE and prints the held-out loss after each epoch', async () => {
    const r = await cli(
      'train',
      '--dataset',
      'MNIST digits',
      '--model',
      'vae',
      '--latent',
      '8',
      '--epochs',
      '2',
      '--limit',
      '3000',
      '--hidden',
      '128',
      '--batch',
      '100',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // MNIST measured binary at import: the reference model's Bernoulli MLP fills what was left out
    expect(r.out).toMatch(/^defaults for "MNIST digits" \(binary, 28 px, 60000 training images\): --family mlp --likelihood bernoulli$/m);
    const losses = [...r.out.matchAll(/held-out loss: ([\d.]+) nats/g)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(2);
    expect(losses[1]!).toBeLessThan(losses[0]!);
    expect(losses[1]!).toBeLessThan(250);
    const runs = await cli('runs');
    expect(runs.out).toMatch(/vae\s+8\s+done\s+2\/2/);
  });

  it('writes a sweep grid PNG with its settings in a text chunk', async () => {
    const out = join(dir, 'grid.png');
    const r = await cli(
      'sweep',
      '--run',
      'last',
      '--dims',
      '0,1',
      '--grid',
      '8',
      '--range',
      '-2,2',
      '--out',
      out,
      '--scale',
      '2',
      '--gutter',
      '1',
    );
    expect(r.err).toBe('');
    expect(r.out).toMatch(/wrote .*grid\.png/);
    const png = readFileSync(out);
    const meta = await sharp(png).metadata();
    // 8 tiles of 28 px at scale 2 with a 1 px gutter (scaled) between and around them
    expect(meta.width).toBe(meta.height);
    expect(meta.width).toBeGreaterThanOrEqual(8 * 56);
    const text = readPngText(png);
    expect(JSON.parse(text['latent-lab:spec']!)).toMatchObject({ kind: 'sweep', dims: [0, 1], grid: 8, range: [-2, 2] });
    expect(text['latent-lab:x-values']!.split(',')).toHaveLength(8);
    const stats = await sharp(png).stats();
    expect(stats.channels[0]!.stdev).toBeGreaterThan(10); // not a blank image
  });

  it('writes samples and reconstructions, and evaluates', async () => {
    const s = await cli('samples', '--run', 'last', '--n', '16', '--out', join(dir, 's.png'));
    expect(s.code).toBe(0);
    const rc = await cli('reconstruct', '--run', 'last', '--n', '8', '--out', join(dir, 'r.png'));
    expect(rc.code).toBe(0);
    const meta = await sharp(join(dir, 'r.png')).metadata();
    expect(meta.width! / meta.height!).toBeGreaterThan(3); // two rows of eight
    const ev = await cli('evaluate', '--run', 'last', '--iwae', '10', '--limit', '200');
    expect(ev.err).toBe('');
    const last = ev.out.trim().split('\n').at(-1)!;
    const [elbo, iwae] = [...last.matchAll(/([\d.]+) nats/g)].map((m) => Number(m[1]));
    expect(iwae!).toBeLessThanOrEqual(elbo! + 0.5);
    // each bound in bits per dimension too, as the Runs table shows it: nats / (784 ln 2), and a
    // Bernoulli decoder's figure named for what it is
    const bpd = [...last.matchAll(/([\d.]+) bits\/dim \(a cross-entropy on grey pixels\)/g)].map((m) => Number(m[1]));
    expect(bpd).toHaveLength(2);
    expect(bpd[0]!).toBeCloseTo(elbo! / (784 * Math.LN2), 2);
    expect(bpd[1]!).toBeCloseTo(iwae! / (784 * Math.LN2), 2);
  });

  it('exports metrics as CSV', async () => {
    const r = await cli('export-metrics', '--run', 'last', '--out', join(dir, 'm.csv'));
    expect(r.code).toBe(0);
    const csv = readFileSync(join(dir, 'm.csv'), 'utf8').trim().split(/\r?\n/);
    expect(csv[0]).toBe('kind,epoch,step,loss,recon,kl,heldOut,imagesPerSec');
    expect(csv.filter((l) => l.startsWith('epoch,'))).toHaveLength(2);
  });

  it('runs as a command through the bin', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(__dirname, '../../bin/latent-lab.mjs'), 'datasets', '--data-dir', dir],
      { timeout: 60_000 },
    );
    expect(stdout).toMatch(/MNIST digits\s+70000/);
  });
});
