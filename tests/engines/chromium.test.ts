// The webgpu-chromium engine in a real headless Chromium (the system's, or the one npm brought):
// every model kind trains to wasm's losses from the same seed, a checkpoint resumes to the
// uninterrupted run, a cancel ends within a second, and no Chromium process outlives a
// training: after a normal end, a cancel, or a kill -9 of the CLI that started it.
//
// Tolerance, webgpu vs wasm: 2e-3 relative, as for Dawn (tests/train/backends.test.ts): the
// same float32 arithmetic with reductions in another order and exp/log differing in the last
// bits, which Adam's first steps amplify to about 1e-4; a wrong gradient moves a loss by percent.
import { execFileSync, spawn } from 'node:child_process';
import { MessageChannel } from 'node:worker_threads';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../src/main/core/browser/find-chromium.js';
import { builtRendererDir } from '../../src/main/core/renderer-files.js';
import { TRAINER_PAGE_PORT } from '../../src/main/core/engines/chromium/electron-window.js';
import { openHeadlessPage } from '../../src/main/core/engines/chromium/headless.js';
import { runTrainingInWorker, trainInProcess, type TrainEvent } from '../../src/main/core/train/index.js';
import { providePort } from '../../src/main/core/workers/run.js';
import type { EngineName, TrainConfig } from '../../src/main/core/types.js';
import { cliIn } from '../cli/harness.js';
import { writeSmallIdx } from '../service/processes.js';
import { mnistSubsetFile, tinyVae } from '../train/mnist-subset.js';

const ROOT = join(import.meta.dirname, '../..');
const base: TrainConfig = { ...tinyVae, latent: 4, hidden: [32], batch: 16, lr: 1e-3, seed: 5 };

let dir = '';
let file = '';

async function train(
  name: string,
  cfg: Partial<TrainConfig>,
  backend: EngineName,
  opts: { resume?: boolean; cancel?: (e: TrainEvent) => boolean } = {},
) {
  const events: TrainEvent[] = [];
  const ac = new AbortController();
  let abortedAt = 0;
  const outcome = await trainInProcess(
    { config: { ...base, ...cfg }, datasetFile: file, runDir: join(dir, name), resume: opts.resume ?? false, backend },
    (e) => {
      events.push(e);
      if (!abortedAt && opts.cancel?.(e)) {
        abortedAt = performance.now();
        ac.abort();
      }
    },
    ac.signal,
  );
  const epochs = events.filter((e): e is Extract<TrainEvent, { type: 'epoch' }> => e.type === 'epoch').map((e) => e.result);
  const started = events.find((e): e is Extract<TrainEvent, { type: 'started' }> => e.type === 'started');
  return { outcome, epochs, started, cancelMs: abortedAt ? performance.now() - abortedAt : NaN };
}

/** Chromium processes this engine started (each has its own profile folder of that name). */
function enginesBrowsers(): string[] {
  try {
    return execFileSync('pgrep', ['-f', 'latent-lab-chromium-profile-'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function noBrowserLeft(): Promise<string[]> {
  for (let i = 0; i < 50 && enginesBrowsers().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return enginesBrowsers();
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-9, Math.abs(b));

const chromium = await findChromium().catch(() => null);
const built = existsSync(join(builtRendererDir(), 'trainer.html'));
const why = !chromium
  ? 'no Chromium found (system, LATENT_LAB_CHROMIUM or @sparticuz/chromium)'
  : !built
    ? 'the trainer page is not built (npx electron-vite build)'
    : null;
if (why) console.warn(`webgpu-chromium not checked: ${why}`);

beforeAll(async () => {
  ({ dir, file } = await mnistSubsetFile(64, 32));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(why)('webgpu-chromium against wasm, same seed', () => {
  const kinds: [string, Partial<TrainConfig>][] = [
    ['ae', { model: 'ae' }],
    ['vae gaussian-learned', { likelihood: 'gaussian-learned' }],
    ['cvae with a learned prior', { model: 'cvae', learnedPrior: true }],
    ['hvae', { model: 'hvae', latent2: 2, warmup: 1 }],
    ['dae', { model: 'dae', noise: { kind: 'mask', level: 0.3 } }],
    // conv on a software adapter is slow: fewer, smaller steps
    ['conv vae', { family: 'conv', limit: 16, batch: 8 }],
  ];
  for (const [name, cfg] of kinds) {
    it(`${name}: the same losses, and the run names its adapter`, { timeout: 180_000 }, async () => {
      const cpuRun = await train(`${name}-wasm`, { ...cfg, threads: 1 }, 'wasm');
      const gpuRun = await train(`${name}-chromium`, cfg, 'webgpu-chromium');
      expect(gpuRun.started?.backend).toBe('webgpu-chromium');
      expect(gpuRun.started?.backendDetail).toMatch(/^webgpu-chromium · \S/);
      const [a, b] = [gpuRun.epochs[0]!, cpuRun.epochs[0]!];
      for (const k of ['loss', 'recon', 'kl', 'heldOut'] as const) {
        if (name === 'ae' && k === 'kl') continue;
        expect(rel(a[k], b[k]), `${k}: webgpu-chromium ${a[k]} vs wasm ${b[k]}`).toBeLessThan(2e-3);
      }
      // the code's use, which a collapse is judged on, is measured on the page as on wasm
      if (name !== 'ae' && name !== 'dae') {
        expect(a.activeUnits, 'active units on the page').toBe(b.activeUnits);
        expect(a.dimKl, 'KL per dimension on the page').toHaveLength(b.dimKl!.length);
        a.dimKl!.forEach((v, d) =>
          expect(Math.abs(v - b.dimKl![d]!), `KL of dimension ${d}`).toBeLessThan(2e-3 * Math.abs(b.dimKl![d]!) + 1e-4),
        );
      }
      expect(await noBrowserLeft()).toEqual([]);
    });
  }
});

describe.skipIf(why)('webgpu-chromium runs', () => {
  it('resume from a checkpoint gives the uninterrupted run', { timeout: 180_000 }, async () => {
    const cfg = { epochs: 2, limit: 32 };
    const straight = await train('straight', cfg, 'webgpu-chromium');
    const first = await train('resumed', cfg, 'webgpu-chromium', { cancel: (e) => e.type === 'epoch' });
    expect(first.outcome).toEqual({ status: 'cancelled', epochsDone: 1 });
    const resumed = await train('resumed', cfg, 'webgpu-chromium', { resume: true });
    expect(resumed.epochs.map((e) => e.epoch)).toEqual([2]);
    expect(resumed.epochs[0]!.heldOut).toBeCloseTo(straight.epochs[1]!.heldOut, 4);
    expect(resumed.epochs[0]!.loss).toBeCloseTo(straight.epochs[1]!.loss, 4);
  });

  it('cancel ends the training and its browser within a second', { timeout: 180_000 }, async () => {
    const run = await train('cancel', { epochs: 50 }, 'webgpu-chromium', { cancel: (e) => e.type === 'step' });
    expect(run.outcome.status).toBe('cancelled');
    expect(run.cancelMs).toBeLessThan(1000);
    expect(await noBrowserLeft()).toEqual([]);
  });

  it('leaves no Chromium behind when the CLI training on it is killed with -9', { timeout: 180_000 }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'latent-lab-chromium-kill-'));
    try {
      const small = writeSmallIdx(data, 64);
      const cli = cliIn(() => data);
      expect((await cli('import', small.images, '--labels', small.labels, '--name', 'small')).code).toBe(0);
      const proc = spawn(
        process.execPath,
        [
          join(ROOT, 'bin/latent-lab.mjs'),
          'train',
          '--dataset',
          'small',
          '--model',
          'vae',
          '--latent',
          '2',
          '--epochs',
          '500',
          '--batch',
          '16',
          '--backend',
          'webgpu-chromium',
        ],
        { env: { ...process.env, LATENT_LAB_DATA: data }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      // the CLI says which engine it trains on once the page has started
      await new Promise<void>((resolve, reject) => {
        let said = '';
        const look = (d: Buffer) => {
          said += d.toString();
          if (/training on webgpu-chromium/.test(said)) resolve();
        };
        proc.stdout.on('data', look);
        proc.stderr.on('data', look);
        proc.once('exit', (code) => reject(new Error(`the CLI ended (code ${code}) before training: ${said}`)));
      });
      expect(enginesBrowsers().length).toBeGreaterThan(0);
      proc.kill('SIGKILL');
      expect(await noBrowserLeft()).toEqual([]);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('trains from a worker thread on a page the main thread lends by name, as the desktop app does', { timeout: 180_000 }, async () => {
    // the Electron door lends a hidden window's port; here the main thread opens a headless page
    // and relays it the same way (a Node MessagePort handed to the training thread)
    providePort(TRAINER_PAGE_PORT, async () => {
      const page = (await openHeadlessPage())!;
      const relay = new MessageChannel();
      page.channel.onFrame((frame) => relay.port1.postMessage(frame, [frame]));
      relay.port1.on('message', (frame: ArrayBuffer) => page.channel.send(frame));
      relay.port1.once('close', () => void page.close());
      return relay.port2;
    });
    const events: TrainEvent[] = [];
    const outcome = await runTrainingInWorker(
      { config: { ...base, limit: 32 }, datasetFile: file, runDir: join(dir, 'lent'), resume: false, backend: 'webgpu-chromium' },
      (e) => events.push(e),
    );
    expect(outcome).toEqual({ status: 'done', epochsDone: 1 });
    expect(events.find((e) => e.type === 'started')).toMatchObject({ backend: 'webgpu-chromium' });
    expect(await noBrowserLeft()).toEqual([]);
  });

  it('auto, where the desktop app lends a page, passes over a software adapter to wasm and says so', { timeout: 180_000 }, async () => {
    // the page lent by the test above: here its Chromium offers only SwiftShader
    const events: TrainEvent[] = [];
    const outcome = await runTrainingInWorker(
      { config: { ...base, limit: 32, threads: 1 }, datasetFile: file, runDir: join(dir, 'auto'), resume: false, backend: 'auto' },
      (e) => events.push(e),
    );
    expect(outcome.status).toBe('done');
    expect(events.find((e) => e.type === 'started')).toMatchObject({ backend: 'wasm' });
    const said = events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message);
    expect(
      said.some((m) => /not training on the GPU: the only WebGPU adapter is a software one \(SwiftShader\)/.test(m)),
      said.join('; '),
    ).toBe(true);
    expect(await noBrowserLeft()).toEqual([]);
  });
});
