// The CLI's defects that need real work behind them: naming a dataset the way it was
// imported, an import that is cancelled, flags the trainer never saw, one validation of the
// config, and what `evaluate` says about a deterministic autoencoder. Real MNIST, real training.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openService } from '../../src/main/core/service';
import { withDataDir } from './harness';

const { cli, dir } = withDataDir('ll-cli-ds-');

/** A small MNIST-format IDX image file (ubyte, n x 28 x 28) of noise. */
function writeIdx(path: string, n: number): void {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(n, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  const pixels = Buffer.alloc(n * 28 * 28);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) % 251;
  writeFileSync(path, Buffer.concat([header, pixels]));
}

const tiny = ['--epochs', '1', '--limit', '500', '--hidden', '32', '--batch', '100'];

describe('naming a dataset', () => {
  it('`import mnist` then `train --dataset mnist` trains on it and says which dataset matched', async () => {
    expect((await cli('import', 'mnist')).code).toBe(0);
    const r = await cli('train', '--dataset', 'mnist', '--model', 'ae', '--latent', '4', ...tiny, '--threads', '1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/dataset "mnist" is 1 "MNIST digits"/);
  });

  it('takes a case-insensitive unique prefix, and lists the candidates when it is ambiguous', async () => {
    const idx = join(dir(), 'mnist-noise.idx');
    writeIdx(idx, 40);
    expect((await cli('import', idx)).code).toBe(0);
    const ambiguous = await cli('skipped', 'mn');
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.err).toMatch(/"mn" matches more than one dataset: 1 "MNIST digits", 2 "mnist-noise"/);
    const unique = await cli('skipped', 'MNIST-N');
    expect(unique.code).toBe(0);
    expect(unique.out).toMatch(/dataset "MNIST-N" is 2 "mnist-noise"/);
  });
});

describe('import', () => {
  it('a cancelled import does not report another dataset as the one it imported', async () => {
    const idx = join(dir(), 'cancel-me.idx');
    writeIdx(idx, 40);
    const before = new Set(process.listeners('SIGINT'));
    const running = cli('import', idx);
    // Ctrl+C as the CLI sees it: its own SIGINT listener, called once it is waiting on the job
    let onSig: (() => void) | undefined;
    while (!onSig) {
      await new Promise((r) => setImmediate(r));
      onSig = process.listeners('SIGINT').find((l) => !before.has(l)) as (() => void) | undefined;
    }
    onSig();
    const r = await running;
    expect(r.out).toMatch(/cancelled/);
    expect(r.out).not.toMatch(/images imported/);
    expect(r.code).not.toBe(0);
  });
});

describe('train', () => {
  it('refuses a misspelled flag instead of training with the defaults', async () => {
    const r = await cli('train', '--dataset', 'MNIST digits', '--latnet', '2', '--bogus', '7', ...tiny);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--latnet.*did you mean --latent/);
  });

  it('leaves the config to the contract schema, whose message names the field', async () => {
    const r = await cli('train', '--dataset', 'MNIST digits', '--latent', '1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/runs:start: config\.latent: /);
  });

  it('passes --threads to the trainer in the run config', async () => {
    const svc = await openService({ dataDir: dir(), door: 'cli' });
    try {
      const [ae] = (await svc['runs:list']({})).filter((r) => r.config.model === 'ae');
      expect(ae?.config.threads).toBe(1);
    } finally {
      await svc.close();
    }
  });
});

describe('evaluate', () => {
  it('on an autoencoder names the reconstruction loss and says the bounds do not apply', async () => {
    const r = await cli('evaluate', '--run', 'last', '--iwae', '10', '--limit', '100');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/NaN|ELBO:|IWAE k=/);
    expect(r.out).toMatch(/reconstruction loss: [\d.]+ nats per image/);
    expect(r.out).toMatch(/deterministic autoencoder/);
  });
});
