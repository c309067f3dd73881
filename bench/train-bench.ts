// One benchmark row: a model trained by one engine (a backend, and for wasm a thread count),
// timed as the trainer reports it (median of its ~100 ms spans after warm-up).
import { join } from 'node:path';
import { initBackend } from '../src/main/core/backend.js';
import { probeTorch } from '../src/main/core/engines/torch/find-python.js';
import { sweepGrid } from '../src/main/core/explore/index.js';
import { latestCheckpointDir, loadRunModel, runTrainingInWorker, trainInProcess } from '../src/main/core/train/index.js';
import { probePageAdapter } from '../src/main/core/engines/chromium/probe.js';
import type { EngineName, TrainConfig } from '../src/main/core/types.js';

export interface Engine {
  id: string;
  /** a TensorFlow.js backend, or an engine of its own (webgpu-chromium, torch); not
   *  webgpu-browser, which trains in a person's tab (the Chromium rows measure the same page) */
  backend: Exclude<EngineName, 'webgpu-browser'>;
  threads?: number;
  /** torch: training processes (torchrun with gloo on CPU, NCCL on CUDA) */
  processes?: number;
  /** torch: where it trains (cpu unless said) */
  device?: 'cpu' | 'cuda';
}

export interface BenchModel {
  id: string;
  title: string;
  /** which dataset file of the bench */
  data: 'mnist' | 'side64';
  config: TrainConfig;
}

export interface Row {
  engine: Engine;
  model: BenchModel;
  detail: string;
  imagesPerSec: number;
  spans: number;
  heldOut: number[];
  epochSeconds: number[];
  tensors: number[];
  rss: number[];
  sweepMs: number | null;
  /** a cut-down run (a slow engine): says which */
  note?: string;
}

const base = { beta: 1, lr: 1e-3, seed: 1, batch: 128, epochs: 1 } as const;

export const MODELS: BenchModel[] = [
  {
    id: 'mlp',
    title: 'MLP VAE 784-400-20 (the reference), MNIST 60k/10k',
    data: 'mnist',
    config: { ...base, model: 'vae', family: 'mlp', latent: 20, hidden: [400], activation: 'relu', likelihood: 'bernoulli' },
  },
  {
    id: 'conv28',
    title: 'conv VAE 28x28 (2 stride-2 convs, 2 sub-pixel up-convs), 12,800 MNIST digits',
    data: 'mnist',
    config: { ...base, model: 'vae', family: 'conv', latent: 20, likelihood: 'bernoulli', limit: 12800 },
  },
  {
    id: 'conv64',
    title: 'conv VAE 64x64 grey (faces size; the Train view defaults: latent 10, Gaussian sigma 0.25), 2,048 images',
    data: 'side64',
    config: { ...base, model: 'vae', family: 'conv', latent: 10, likelihood: 'gaussian', sigma: 0.25 },
  },
];

/** Slow engines train a cut-down set so a row takes a minute, not an hour (said in the row). */
function cutDown(engine: Engine, detail: string, model: BenchModel): number | undefined {
  const conv = { conv28: 512, conv64: 256 } as Record<string, number>;
  if (engine.backend === 'cpu') return model.id === 'mlp' ? 1024 : conv[model.id]! / 2;
  if ((engine.backend === 'webgpu' || engine.backend === 'webgpu-chromium') && /software/.test(detail))
    return model.id === 'mlp' ? 4096 : conv[model.id];
  return undefined;
}

const median = (v: number[]): number => {
  const s = [...v].sort((x, y) => x - y);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
export const mb = (bytes: number) => (bytes / 1048576).toFixed(0);

export async function benchRow(
  engine: Engine,
  model: BenchModel,
  datasetFile: string,
  epochs: number,
  work: string,
  inProcess = false,
): Promise<Row | string> {
  if (engine.backend === 'torch') return torchRow(engine, model, datasetFile, epochs, work);
  let detail: string;
  try {
    if (engine.backend === 'webgpu-chromium') {
      // the page's adapter decides the cut-down, as Dawn's does
      const probe = await probePageAdapter();
      if ('why' in probe) return probe.why;
      detail = probe.detail;
    } else detail = (await initBackend(engine.backend, 'train')).detail;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  const limit = cutDown(engine, detail, model);
  const cfg: TrainConfig = { ...model.config, epochs: limit ? 1 : epochs, threads: engine.threads, limit: limit ?? model.config.limit };
  const runDir = join(work, `run-${engine.id}-${model.id}`);
  const spans: number[] = [];
  let epochRate: number | undefined;
  const r: Row = { engine, model, detail, imagesPerSec: 0, spans: 0, heldOut: [], epochSeconds: [], tensors: [], rss: [], sweepMs: null };
  if (limit) r.note = `${limit} training images only`;
  process.stdout.write(`\n${engine.id} · ${model.id}${limit ? ` (${limit} images)` : ''}\n`);
  // as the app trains: in a worker thread (whose data-parallel threads are its own), at the
  // background priority every training thread takes; --in-process runs it on this thread
  await (inProcess ? trainInProcess : runTrainingInWorker)(
    { config: cfg, datasetFile, runDir, resume: false, backend: engine.backend },
    (e) => {
      if (e.type === 'started') r.detail = e.backendDetail;
      else if (e.type === 'step') {
        // the first spans include warm-up (kernel setup, XNNPACK packing, shader compiles)
        if (e.progress.step > 5) spans.push(e.progress.imagesPerSec);
      } else if (e.type === 'epoch') {
        const x = e.result;
        epochRate = x.imagesPerSec;
        r.heldOut.push(x.heldOut);
        r.epochSeconds.push(x.seconds);
        r.tensors.push(e.tensors);
        r.rss.push(process.memoryUsage().rss);
        process.stdout.write(
          `  epoch ${x.epoch}: held-out ${x.heldOut.toFixed(2)} nats, ${x.imagesPerSec.toFixed(0)} images/s, ${x.seconds.toFixed(1)} s, tensors ${e.tensors}, rss ${mb(process.memoryUsage().rss)} MB\n`,
        );
      } else if (e.type === 'warning') process.stdout.write(`  warning: ${e.message}\n`);
    },
  );
  // a cut-down run may end before any span after warm-up: then the epoch's own rate
  r.imagesPerSec = spans.length ? median(spans) : (epochRate ?? NaN);
  r.spans = spans.length;
  if (model.id === 'mlp') r.sweepMs = await sweepMs(runDir);
  process.stdout.write(`  ${r.detail}: ${r.imagesPerSec.toFixed(0)} images/s (median of ${r.spans} spans)\n`);
  // a cut-down GPU row's held-out beside wasm's on the same images and seed: the one-nat check
  if (limit && engine.backend !== 'cpu') {
    const wasm = await heldOutOnWasm({ ...cfg, threads: undefined }, datasetFile, `${runDir}-wasm`);
    r.note = `${r.note}; wasm on the same images ${wasm.toFixed(2)}`;
    process.stdout.write(`  wasm on the same ${limit} images: held-out ${wasm.toFixed(2)} nats\n`);
  }
  return r;
}

/** The held-out loss after the last epoch of `cfg` trained on wasm, for a row that trained less. */
async function heldOutOnWasm(cfg: TrainConfig, datasetFile: string, runDir: string): Promise<number> {
  let heldOut = NaN;
  await runTrainingInWorker({ config: cfg, datasetFile, runDir, resume: false, backend: 'wasm' }, (e) => {
    if (e.type === 'epoch') heldOut = e.result.heldOut;
  });
  return heldOut;
}

/** A row of the PyTorch engine: the same model and data, timed the same way (spans after warm-up). */
async function torchRow(engine: Engine, model: BenchModel, datasetFile: string, epochs: number, work: string): Promise<Row | string> {
  const torch = await probeTorch();
  if (!torch.found) return torch.reason;
  const device = engine.device ?? 'cpu';
  if (device === 'cuda' && torch.cudaDevices === 0) return `PyTorch ${torch.version} (${torch.python}) sees no CUDA device`;
  const processes = engine.processes ?? 1;
  const r: Row = {
    engine,
    model,
    detail: 'torch',
    imagesPerSec: 0,
    spans: 0,
    heldOut: [],
    epochSeconds: [],
    tensors: [],
    rss: [],
    sweepMs: null,
  };
  const spans: number[] = [];
  let epochRate: number | undefined;
  process.stdout.write(`\n${engine.id} · ${model.id}\n`);
  // as the app trains: the host in a worker thread, the engine's python processes beside it
  await runTrainingInWorker(
    {
      config: { ...model.config, epochs },
      datasetFile,
      runDir: join(work, `run-${engine.id}-${model.id}`),
      resume: false,
      backend: 'torch',
      torch: { device, processes, python: torch },
    },
    (e) => {
      if (e.type === 'started') r.detail = e.backendDetail;
      else if (e.type === 'step') {
        if (e.progress.step > 5) spans.push(e.progress.imagesPerSec);
      } else if (e.type === 'epoch') {
        epochRate = e.result.imagesPerSec;
        r.heldOut.push(e.result.heldOut);
        r.epochSeconds.push(e.result.seconds);
        // the training runs in other processes: the host's own count and memory say nothing of it
        r.tensors.push(0);
        r.rss.push(process.memoryUsage().rss);
        process.stdout.write(
          `  epoch ${e.result.epoch}: held-out ${e.result.heldOut.toFixed(2)} nats, ${e.result.imagesPerSec.toFixed(0)} images/s, ${e.result.seconds.toFixed(1)} s\n`,
        );
      } else if (e.type === 'warning') process.stdout.write(`  warning: ${e.message}\n`);
    },
  );
  r.imagesPerSec = spans.length ? median(spans) : (epochRate ?? NaN);
  r.spans = spans.length;
  process.stdout.write(`  ${r.detail}: ${r.imagesPerSec.toFixed(0)} images/s (median of ${r.spans} spans)\n`);
  return r;
}

/** Median time to decode a 16 x 16 sweep grid (explore always runs on wasm or native). */
async function sweepMs(runDir: string): Promise<number> {
  await initBackend('auto', 'explore');
  const model = await loadRunModel((await latestCheckpointDir(runDir))!);
  try {
    const base = new Float32Array(model.latent);
    const grid = (i: number) =>
      sweepGrid(model, { dims: [0, 1], range: [-3, 3], grid: 16, spacing: 'normal', base: base.map((_, j) => (j === 2 ? i * 0.01 : 0)) });
    for (let i = 0; i < 5; i++) grid(i);
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      grid(i);
      times.push(performance.now() - t0);
    }
    return median(times);
  } finally {
    model.dispose();
  }
}
