// The app's own files are checked for kind and size before they are read: a FIFO put in place
// of a dataset's pixel file, of a checkpoint's weights or of the database blocked the CLI's
// `train`, `reconstruct`, `samples`, `resume` and `runs` for good (opening a FIFO waits for a writer). Each
// is a real CLI process on a real data folder, given a few seconds; it must end, non-zero,
// naming the file and what it is.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke as dispatch } from '../../src/main/dispatch';
import { DB_FILE, openService } from '../../src/main/core/service';
import { value, writeSmallIdx } from './processes';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'latent-lab.mjs');
/** time a CLI process gets before it counts as hung (its start alone takes a few seconds here) */
const HUNG_MS = 30_000;

let dir: string;
let datasetId: number;
let runId: number;
let datasetFile: string;
let checkpoint: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-own-kind-'));
  const idx = writeSmallIdx(dir);
  const svc = await openService({ dataDir: join(dir, 'data'), door: 'browser' });
  try {
    const imp = value(await dispatch(svc, 'datasets:import', { kind: 'idx', path: idx.images, labelsPath: idx.labels }));
    datasetId = (await svc.waitForJob(imp.jobId)).datasetId!;
    // a run of two epochs cancelled after the first: explorable, and resumable
    const run = value(
      await dispatch(svc, 'runs:start', {
        datasetId,
        backend: 'wasm',
        config: { model: 'vae', latent: 2, hidden: [8], epochs: 2, batch: 50 },
      }),
    );
    svc.on('run:metric', (m) => {
      if (m.row.kind === 'epoch' && m.row.epoch === 1) void svc['jobs:cancel']({ jobId: run.jobId });
    });
    await svc.waitForJob(run.jobId);
    runId = run.runId;
  } finally {
    await svc.close();
  }
  const datasets = join(dir, 'data', 'datasets');
  datasetFile = join(
    datasets,
    readdirSync(datasets).find((n) => n.endsWith('.lld'))!,
  );
  checkpoint = join(dir, 'data', 'runs', String(runId), 'checkpoints');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real CLI process, killed with SIGKILL if it is still running after HUNG_MS. */
function cli(...args: string[]): Promise<{ code: number | null; hung: boolean; err: string }> {
  const proc = spawn(process.execPath, [BIN, ...args, '--data-dir', join(dir, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stdout.on('data', (b: Buffer) => (err += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (err += b.toString()));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    proc.kill('SIGKILL');
  }, HUNG_MS);
  return new Promise((res) =>
    proc.on('exit', (code) => {
      clearTimeout(timer);
      res({ code, hung, err });
    }),
  );
}

/** Runs body with a FIFO in place of file, then puts the file back. */
async function withFifo(file: string, body: () => Promise<void>): Promise<void> {
  renameSync(file, `${file}.aside`);
  execFileSync('mkfifo', [file]);
  try {
    await body();
  } finally {
    rmSync(file);
    renameSync(`${file}.aside`, file);
  }
}

describe('a FIFO in place of one of the app own files', () => {
  it('in place of the dataset file: train and reconstruct end, naming it', { timeout: 90_000 }, async () => {
    await withFifo(datasetFile, async () => {
      const train = await cli(
        'train',
        '--dataset',
        String(datasetId),
        '--epochs',
        '1',
        '--hidden',
        '8',
        '--latent',
        '2',
        '--backend',
        'wasm',
      );
      expect(train.hung, 'train hung').toBe(false);
      expect(train.code).not.toBe(0);
      expect(train.err).toContain(`${datasetFile} is a FIFO (named pipe), not a regular file`);
      const rec = await cli('reconstruct', '--run', String(runId), '--out', join(dir, 'rec.png'));
      expect(rec.hung, 'reconstruct hung').toBe(false);
      expect(rec.code).not.toBe(0);
      expect(rec.err).toContain(`${datasetFile} is a FIFO (named pipe), not a regular file`);
    });
  });

  it('in place of a checkpoint weights or optimizer file: samples and resume end, naming it', { timeout: 90_000 }, async () => {
    const weights = join(checkpoint, 'epoch-0001', 'weights.bin');
    await withFifo(weights, async () => {
      const samples = await cli('samples', '--run', String(runId), '--out', join(dir, 'samples.png'));
      expect(samples.hung, 'samples hung').toBe(false);
      expect(samples.code).not.toBe(0);
      expect(samples.err).toContain(`${weights} is a FIFO (named pipe), not a regular file`);
    });
    const optimizer = join(checkpoint, 'epoch-0001', 'optimizer.bin');
    await withFifo(optimizer, async () => {
      const resume = await cli('resume', String(runId), '--backend', 'wasm');
      expect(resume.hung, 'resume hung').toBe(false);
      expect(resume.code).not.toBe(0);
      expect(resume.err).toContain(`${optimizer} is a FIFO (named pipe), not a regular file`);
    });
  });

  it('in place of the database: the CLI ends, naming it', { timeout: 60_000 }, async () => {
    const db = join(dir, 'data', DB_FILE);
    await withFifo(db, async () => {
      const runs = await cli('runs');
      expect(runs.hung, 'runs hung').toBe(false);
      expect(runs.code).not.toBe(0);
      expect(runs.err).toContain(`${db} is a FIFO (named pipe), not a database file`);
    });
  });
});
