// The PyTorch engine against the app's own model: the same loss on the same weights for every
// kind it trains, a torch run the app scores as torch did, resume, two processes, and the
// faults a person meets (no torch, an unsupported model, a bad dataset, cancel). Skipped,
// saying why, where no python3 imports torch 1.13 or newer.
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { probeTorch, torchInfo, type TorchProbe } from '../../src/main/core/engines/torch/find-python.js';
import type { TorchOptions } from '../../src/main/core/engines/torch/engine.js';
import { torchProgramDir } from '../../src/main/core/engines/torch/run.js';
import { normalizeModelConfig } from '../../src/main/core/model/config.js';
import { Rng } from '../../src/main/core/model/rng.js';
import { createModel } from '../../src/main/core/model/vae.js';
import { writeDatasetFile } from '../../src/main/core/data/dataset-file.js';
import { openService } from '../../src/main/core/service.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, writeCheckpoint } from '../../src/main/core/train/checkpoint.js';
import {
  heldOutLoss,
  loadRunModel,
  pickIndices,
  trainInProcess,
  type TrainEvent,
  type TrainJobSpec,
} from '../../src/main/core/train/index.js';
import type { Dataset, EpochResult, TrainConfig } from '../../src/main/core/types.js';
import { mnistSubsetFile } from '../train/mnist-subset.js';

const probe: TorchProbe = await probeTorch();
if (!probe.found) console.warn(`torch engine tests skipped: ${probe.reason}`);
const python = probe.found ? probe : null;

let dir = '';
let file = '';
let ds: Dataset;

const base: TrainConfig = {
  model: 'vae',
  family: 'mlp',
  latent: 8,
  hidden: [64],
  likelihood: 'bernoulli',
  beta: 1,
  epochs: 1,
  batch: 50,
  lr: 2e-3,
  seed: 5,
};

beforeAll(async () => {
  if (!python) return;
  await initBackend('cpu');
  ({ dir, file, ds } = await mnistSubsetFile(300, 100));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A run through the trainer's host with backend torch, as the app trains one. */
async function train(
  name: string,
  cfg: Partial<TrainConfig>,
  more: Partial<TrainJobSpec> & { torch?: TorchOptions } = {},
  signal?: AbortSignal,
) {
  const events: TrainEvent[] = [];
  const outcome = await trainInProcess(
    {
      config: { ...base, ...cfg },
      datasetFile: file,
      runDir: join(dir, name),
      resume: false,
      backend: 'torch',
      ...more,
      torch: { device: 'cpu', python: python!, ...more.torch },
    },
    (e) => events.push(e),
    signal,
  );
  const epochs = events.filter((e): e is Extract<TrainEvent, { type: 'epoch' }> => e.type === 'epoch');
  return { outcome, events, epochs, results: epochs.map((e) => e.result as EpochResult) };
}

interface Scored {
  batch?: { loss: number; recon: number; kl: number };
  heldOut?: { recon: number; kl: number };
}

/** Runs evaluate.py on the requests (one start of torch for all); its answers in order. */
function torchEvaluate(requests: object[]): Scored[] {
  const req = join(dir, `requests-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(req, JSON.stringify(requests));
  const out = execFileSync(python!.python, [join(torchProgramDir(), 'evaluate.py'), req], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Scored[];
}

/** Processes running the shipped train.py for runs under `runDir`'s parent: pid and RANK. */
function trainingProcesses(): { pid: number; rank: string }[] {
  const out: { pid: number; rank: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!cmd.includes(join(torchProgramDir(), 'train.py')) || !cmd.includes('latent-lab-torch-')) continue;
      const env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      const rank = env.find((e) => e.startsWith('RANK='))?.slice(5) ?? '-';
      out.push({ pid: Number(name), rank });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function until<T>(what: string, f: () => T | null | undefined | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const HOST = fileURLToPath(new URL('./torch-host.ts', import.meta.url));

// every kind the torch engine trains, each with something that sets it apart
/** Images other than MNIST's: a side and channels (made from the digits by nearest neighbour). */
interface Images {
  side: number;
  channels: 1 | 3;
}

const kinds: [string, Partial<TrainConfig>, Images?][] = [
  ['ae mlp bernoulli', { model: 'ae' }],
  ['vae mlp bernoulli, beta 0.5', { beta: 0.5 }],
  ['vae mlp binarized', { likelihood: 'binarized' }],
  ['vae mlp cbernoulli, tanh', { likelihood: 'cbernoulli', activation: 'tanh' }],
  ['vae mlp gaussian, two layers', { likelihood: 'gaussian', sigma: 0.2, hidden: [64, 32] }],
  ['vae mlp gaussian-learned', { likelihood: 'gaussian-learned' }],
  ['vae conv bernoulli', { family: 'conv', hidden: [32] }],
  ['vae conv gaussian-learned', { family: 'conv', hidden: [32], likelihood: 'gaussian-learned' }],
  ['ae conv gaussian', { model: 'ae', family: 'conv', hidden: [32], likelihood: 'gaussian' }],
  ['dae mlp, gaussian noise', { model: 'dae', noise: { kind: 'gaussian', level: 0.3 } }],
  ['dae conv, salt-and-pepper', { model: 'dae', family: 'conv', hidden: [32], noise: { kind: 'salt-pepper', level: 0.2 } }],
  ['dae mlp, mask', { model: 'dae', noise: { kind: 'mask', level: 0.25 } }],
  ['cvae mlp (form 2)', { model: 'cvae' }],
  ['cvae conv, learned prior (form 1)', { model: 'cvae', family: 'conv', hidden: [32], form: 1 }],
  ['cvae mlp, label in the prior only (form 4)', { model: 'cvae', form: 4 }],
  ['cvae mlp, label prediction (form 3)', { model: 'cvae', form: 3 }],
  ['cvae conv, label prediction (form 3), iwae k 3', { model: 'cvae', family: 'conv', hidden: [32], form: 3, objective: 'iwae', k: 3 }],
  ['hvae mlp, two levels', { model: 'hvae' }],
  ['hvae conv, three levels, gaussian', { model: 'hvae', family: 'conv', hidden: [32], levels: 3, likelihood: 'gaussian' }],
  ['vae mlp, iwae k 4, beta 0.7', { objective: 'iwae', k: 4, beta: 0.7 }],
  [
    'cvae conv, learned prior, iwae k 3, binarized',
    { model: 'cvae', family: 'conv', hidden: [32], form: 1, objective: 'iwae', k: 3, likelihood: 'binarized' },
  ],
  ['hvae mlp, four levels, iwae k 2', { model: 'hvae', levels: 4, objective: 'iwae', k: 2 }],
  // three stride-2 convs and their up-convs (64 px), and colour (channels-last layouts)
  [
    'vae conv 64x64 grey, gaussian sigma 0.25',
    { family: 'conv', latent: 10, likelihood: 'gaussian', sigma: 0.25 },
    { side: 64, channels: 1 },
  ],
  ['vae conv 32x32 rgb, gaussian-learned', { family: 'conv', hidden: [32], likelihood: 'gaussian-learned' }, { side: 32, channels: 3 }],
  ['vae mlp 32x32 rgb', {}, { side: 32, channels: 3 }],
];

/** A dataset file of the first `n` digits resized to `side` x `side`, channels each shifted a pixel. */
async function resizedFile(images: Images, n = 80): Promise<{ file: string; ds: Dataset }> {
  const { side, channels } = images;
  const d = side * side * channels;
  const pixels = new Uint8Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        for (let c = 0; c < channels; c++) {
          const sy = Math.min(27, Math.floor((y * 28) / side) + c);
          pixels[i * d + (y * side + x) * channels + c] = ds.pixels[i * 784 + sy * 28 + Math.floor((x * 28) / side)]!;
        }
      }
    }
  }
  const small: Dataset = {
    ...ds,
    n,
    height: side,
    width: side,
    channels,
    pixels,
    labels: ds.labels.slice(0, n),
    split: ds.split.slice(0, n),
  };
  const out = join(dir, `digits-${side}-${channels}.lld`);
  await writeDatasetFile(out, small);
  return { file: out, ds: small };
}

describe.skipIf(!python)('torch engine', () => {
  const parity = new Map<string, { ours: number[]; theirs: Scored['batch'] }>();

  /** A batch's loss parts from the app's model on weights of its own, and a checkpoint of them. */
  async function appLoss(name: string, cfg: Partial<TrainConfig>, images?: Images): Promise<{ ours: number[]; request: object }> {
    const config = { ...base, ...cfg };
    const data = images ? await resizedFile(images) : { file, ds };
    const shape = { height: data.ds.height, width: data.ds.width, channels: data.ds.channels };
    const D = shape.height * shape.width * shape.channels;
    const model = createModel(config, shape, 10, 11);
    try {
      // weights the seed alone would not give (a trained model is no longer at its initial ranges)
      const weights = model.getWeights().map((w, i) => {
        const r = new Rng(100 + i);
        return { ...w, data: Float32Array.from(w.data, (v) => v + (r.uniform() - 0.5) * 0.05) };
      });
      model.setWeights(weights);
      const folder = await writeCheckpoint(join(dir, `parity-${name.replace(/[^a-z0-9]+/gi, '-')}`), {
        json: {
          format: CHECKPOINT_FORMAT,
          version: CHECKPOINT_VERSION,
          generatedBy: 'test',
          modelTopology: { config: { ...config, ...normalizeModelConfig(config) }, shape, numClasses: 10, labelNames: ds.labelNames },
          weightsManifest: [
            { paths: ['weights.bin'], weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const })) },
          ],
          trainingState: {
            epoch: 1,
            step: 0,
            seed: 11,
            backend: 'cpu',
            heldOut: 0,
            optimizer: { name: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, iterations: 0, weights: [] },
          },
        },
        weights,
        optimizer: [],
      });
      const rows = Array.from({ length: 24 }, (_, i) => 3 * i + 1);
      const x = new Float32Array(rows.length * D);
      const y = new Float32Array(rows.length * 10);
      rows.forEach((r, i) => {
        for (let j = 0; j < D; j++) x[i * D + j] = data.ds.pixels[r * D + j]! * (1 / 255);
        y[i * 10 + ds.labels[r]!] = 1;
      });
      // a training pass: binarization and the denoiser's corruption draw their noise too
      const ours = tf.tidy(() => {
        const yt = model.conditional ? tf.tensor2d(y, [rows.length, 10]) : undefined;
        const p = model.lossParts(tf.tensor2d(x, [rows.length, D]), yt, { beta: config.beta, training: true, rng: new Rng(77) });
        return [p.loss, p.recon, p.kl].map((t) => t.dataSync()[0]!);
      });
      return {
        ours,
        request: { checkpoint: folder, datasetFile: data.file, batch: { rows, seed: 77, beta: config.beta, training: true } },
      };
    } finally {
      model.dispose();
    }
  }

  beforeAll(async () => {
    const app: { ours: number[]; request: object }[] = [];
    for (const [name, cfg, images] of kinds) app.push(await appLoss(name, cfg, images));
    const answers = torchEvaluate(app.map((a) => a.request));
    kinds.forEach(([name], i) => parity.set(name, { ours: app[i]!.ours, theirs: answers[i]!.batch }));
  });

  it.each(kinds)('one batch loss agrees with tfjs (cpu) on the same weights to 1e-4: %s', (name) => {
    const { ours, theirs } = parity.get(name)!;
    const [loss, recon, kl] = ours as [number, number, number];
    expect(Math.abs(theirs!.loss - loss)).toBeLessThanOrEqual(1e-4 * Math.abs(loss));
    expect(Math.abs(theirs!.recon - recon)).toBeLessThanOrEqual(1e-4 * Math.abs(recon));
    // an ae's KL is 0 on both sides; a small KL is compared on the loss's scale
    expect(Math.abs(theirs!.kl - kl)).toBeLessThanOrEqual(1e-4 * Math.max(Math.abs(kl), 1));
  });

  it('trains an epoch that the app scores as torch did, from the weights a seed gives both', async () => {
    const { outcome, events, epochs, results } = await train('one-epoch', { family: 'conv', hidden: [32], likelihood: 'gaussian-learned' });
    expect(outcome).toEqual({ status: 'done', epochsDone: 1 });
    const started = events.find((e) => e.type === 'started');
    expect(started).toMatchObject({ backend: 'torch', startEpoch: 0, totalEpochs: 1, stepsPerEpoch: 6, trainCount: 300, testCount: 100 });
    expect(events.some((e) => e.type === 'step')).toBe(true);
    const model = await loadRunModel(epochs[0]!.checkpointDir);
    try {
      expect(model.trainConfig.family).toBe('conv');
      const { test } = pickIndices(ds, model.trainConfig);
      const held = (await heldOutLoss(model, ds, test, model.trainConfig.seed))!;
      expect(Math.abs(held.recon + held.kl - results[0]!.heldOut)).toBeLessThan(0.05);
    } finally {
      model.dispose();
    }
  });

  it('resumes: one epoch, then a second from its checkpoint, ends where two straight epochs end', async () => {
    const straight = await train('straight', { epochs: 2 });
    await train('resumed', { epochs: 1 });
    const resumed = await train('resumed', { epochs: 2 }, { resume: true });
    expect(resumed.events.find((e) => e.type === 'started')).toMatchObject({ startEpoch: 1, totalEpochs: 2 });
    expect(resumed.results.map((r) => r.epoch)).toEqual([2]);
    expect(resumed.results[0]!.step).toBe(12);
    expect(resumed.results[0]!.heldOut).toBeCloseTo(straight.results[1]!.heldOut, 3);
  });

  it('two processes (torchrun, gloo) train as one: the same held-out loss to 0.01 nats', async () => {
    // each step's noise is drawn for the whole batch and each process keeps its rows, and DDP
    // sums the shares' gradients: the run must not depend on how many processes trained it
    // an hvae with the iwae objective: the levels above z1 and the k samples draw noise too
    const cfg: Partial<TrainConfig> = { model: 'hvae', objective: 'iwae', k: 2, batch: 25 };
    const one = await train('one-process', cfg);
    const two = await train('two-processes', cfg, { torch: { processes: 2 } });
    expect(two.events.find((e) => e.type === 'started')).toMatchObject({ backendDetail: expect.stringContaining('2 processes') });
    expect(Math.abs(two.results[0]!.heldOut - one.results[0]!.heldOut)).toBeLessThan(0.01);
  });

  it('refuses what it cannot do with a reason, and cancels', async () => {
    if (python!.cudaDevices === 0) {
      await expect(train('cuda', {}, { torch: { device: 'cuda' } })).rejects.toThrow(
        /device cuda was asked for, but this PyTorch sees no CUDA device/,
      );
    }
    const bad = join(dir, 'truncated.lld');
    copyFileSync(file, bad);
    truncateSync(bad, 5000);
    await expect(train('bad', {}, { datasetFile: bad })).rejects.toThrow(/truncated\.lld is corrupt/);

    const ac = new AbortController();
    const t0 = Date.now();
    const run = train('cancel', { epochs: 50 }, {}, ac.signal);
    setTimeout(() => ac.abort(), 1500);
    expect((await run).outcome.status).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('a host killed with -9 takes its training processes with it (torchrun and both workers)', async () => {
    const spec: TrainJobSpec = {
      config: { ...base, epochs: 500 },
      datasetFile: file,
      runDir: join(dir, 'host-killed'),
      resume: false,
      backend: 'torch',
      torch: { device: 'cpu', processes: 2, python: python! },
    };
    const host = spawn(process.execPath, ['--import', 'tsx', HOST, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    host.stdout.on('data', (b: Buffer) => (out += b.toString()));
    await until('the first step', () => out.includes('"type":"step"'));
    const before = trainingProcesses();
    expect(before.map((p) => p.rank).sort()).toEqual(['-', '0', '1']);
    host.kill('SIGKILL');
    // at once, not when the next write finds the pipe broken (rank 0 only; torchrun notices seconds later)
    await until('the training processes to end', () => trainingProcesses().length === 0, 2000);
  });

  it('a worker that crashes ends the run with which one and how', async () => {
    const run = train('worker-killed', { epochs: 500 }, { torch: { processes: 2 } });
    const worker = await until('rank 1', () => trainingProcesses().find((p) => p.rank === '1'));
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(worker.pid, 'SIGKILL');
    // torchrun numbers the failure by its own count, which need not be the RANK the process
    // carries: the process it names is the one killed, by its pid
    await expect(run).rejects.toThrow(
      new RegExp(`training process rank \\d+ failed \\(Signal 9 \\(SIGKILL\\) received by PID ${worker.pid}\\)`),
    );
    expect(trainingProcesses()).toEqual([]);
  });

  it("the badge's engines name torch: found, with its version, python and devices", async () => {
    const svc = await openService({ dataDir: join(dir, 'badge-data'), door: 'cli' });
    try {
      const info = await svc['app:info']({});
      const line = info.training?.faster.find((f) => f.name === 'torch');
      expect(line?.why).toMatch(
        new RegExp(`found, not chosen: PyTorch ${python!.version.replace(/[.+]/g, '\\$&')} \\(.*\\) on .*cpu; choose it in the Train form`),
      );
      expect(line?.needs).toMatch(/pip install torch/);
      expect(info.torch).toMatchObject({ state: 'found', version: python!.version, devices: expect.arrayContaining(['cpu']) });
    } finally {
      await svc.close();
    }
  });

  it('says what to install when no python3 has torch', async () => {
    const fake = join(dir, 'python-without-torch');
    // the real interpreter without its site-packages: a python3 that cannot import torch
    writeFileSync(fake, `#!/bin/sh\nexec ${python!.python} -S -s "$@"\n`);
    chmodSync(fake, 0o755);
    const none = await probeTorch({ LATENT_LAB_PYTHON: fake });
    expect(none.found).toBe(false);
    expect(!none.found && none.reason).toMatch(/no torch module.*install PyTorch/);
    // what app:info tells the badge and the Train form: what to install, and why it pays
    expect(torchInfo(none)).toMatchObject({
      state: 'missing',
      install: expect.stringMatching(/pip install torch/),
      worth: expect.stringMatching(/as fast as wasm/),
    });
    const missing = await probeTorch({ LATENT_LAB_PYTHON: join(dir, 'no-such-python') });
    expect(!missing.found && missing.reason).toMatch(/no-such-python/);
    const emptyPath = await probeTorch({ PATH: join(dir, 'empty') });
    expect(!emptyPath.found && emptyPath.reason).toMatch(/no python3 on the PATH/);
  });
});
