// `npm run bench [-- --epochs N --backends wasm,cpu --import-files 2000 --no-import]`
//
// Trains the reference model (784-400-20 MLP VAE, ReLU, Bernoulli, Adam 1e-3, batch 128, full
// MNIST) on each backend that loads and prints: training images/s (median of the trainer's
// ~100 ms spans), held-out loss per epoch, the time to decode a 16 x 16 sweep grid, tensor
// and RSS growth over epochs, and import throughput. Appends the figures to bench/results.md.
// The cpu backend (pure JS) only trains a few steps: it is there to show why it is last.
import * as tf from '@tensorflow/tfjs-core';
import { appendFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../src/main/core/backend.js';
import { writeDatasetFile } from '../src/main/core/data/dataset-file.js';
import { loadMnist } from '../src/main/core/data/mnist.js';
import { sweepGrid } from '../src/main/core/explore/index.js';
import { latestCheckpointDir, loadRunModel, trainInProcess } from '../src/main/core/train/index.js';
import type { BackendName, TrainConfig } from '../src/main/core/types.js';
import { benchImport } from './import-bench.js';

interface Args {
  epochs: number;
  backends: BackendName[];
  importFiles: number;
  noImport: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { epochs: 1, backends: ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'], importFiles: 2000, noImport: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    if (k === '--epochs') {
      a.epochs = Number(v);
      i++;
    } else if (k === '--backends') {
      a.backends = v!.split(',') as BackendName[];
      i++;
    } else if (k === '--import-files') {
      a.importFiles = Number(v);
      i++;
    } else if (k === '--no-import') a.noImport = true;
    else throw new Error(`bench: unknown argument ${k} (use --epochs N, --backends wasm,cpu, --import-files N, --no-import)`);
  }
  if (!Number.isInteger(a.epochs) || a.epochs < 1) throw new Error('bench: --epochs must be an integer >= 1');
  return a;
}

const median = (v: number[]): number => {
  const s = [...v].sort((x, y) => x - y);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const mb = (bytes: number) => (bytes / 1048576).toFixed(0);

interface BackendResult {
  backend: BackendName;
  detail: string;
  steps: number;
  imagesPerSec: number;
  spans: number;
  epochImagesPerSec: number[];
  heldOut: number[];
  epochSeconds: number[];
  tensors: number[];
  rss: number[];
  sweepMs: number | null;
  note?: string;
}

const reference: TrainConfig = {
  model: 'vae',
  family: 'mlp',
  latent: 20,
  hidden: [400],
  activation: 'relu',
  likelihood: 'bernoulli',
  beta: 1,
  epochs: 1,
  batch: 128,
  lr: 1e-3,
  seed: 1,
};

async function benchBackend(name: BackendName, datasetFile: string, epochs: number, work: string): Promise<BackendResult | string> {
  let detail: string;
  try {
    detail = (await initBackend(name)).detail;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  const quick = name === 'cpu';
  // pure JS trains ~100 images/s: a few steps show the rate without an hour's wait
  const cfg: TrainConfig = quick ? { ...reference, epochs: 1, limit: 128 * 16 } : { ...reference, epochs };
  const runDir = join(work, `run-${name}`);
  const spans: number[] = [];
  const r: BackendResult = {
    backend: name,
    detail,
    steps: 0,
    imagesPerSec: 0,
    spans: 0,
    epochImagesPerSec: [],
    heldOut: [],
    epochSeconds: [],
    tensors: [],
    rss: [],
    sweepMs: null,
  };
  if (quick) r.note = `${cfg.limit} training images only`;
  process.stdout.write(
    `\n${name} (${detail}): training ${quick ? `${cfg.limit} images` : `${epochs} epoch${epochs > 1 ? 's' : ''} of MNIST`}\n`,
  );
  await trainInProcess({ config: cfg, datasetFile, runDir, resume: false, backend: name }, (e) => {
    if (e.type === 'step') {
      // the first spans include warm-up (kernel setup, XNNPACK packing)
      if (e.progress.step > 5) spans.push(e.progress.imagesPerSec);
      r.steps = e.progress.step;
    } else if (e.type === 'epoch') {
      const x = e.result;
      r.epochImagesPerSec.push(x.imagesPerSec);
      r.heldOut.push(x.heldOut);
      r.epochSeconds.push(x.seconds);
      r.tensors.push(tf.memory().numTensors);
      r.rss.push(process.memoryUsage().rss);
      process.stdout.write(
        `  epoch ${x.epoch}: held-out loss ${x.heldOut.toFixed(2)} nats, train ${x.imagesPerSec.toFixed(0)} images/s, ${x.seconds.toFixed(1)} s, tensors ${tf.memory().numTensors}, rss ${mb(process.memoryUsage().rss)} MB\n`,
      );
    } else if (e.type === 'warning') {
      process.stdout.write(`  warning: ${e.message}\n`);
    }
  });
  r.imagesPerSec = median(spans);
  r.spans = spans.length;

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
    r.sweepMs = median(times);
  } finally {
    model.dispose();
  }
  process.stdout.write(
    `  images/s (median of ${r.spans} spans): ${r.imagesPerSec.toFixed(0)}; 16x16 sweep grid: ${r.sweepMs.toFixed(2)} ms\n`,
  );
  return r;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const work = await mkdtemp(join(tmpdir(), 'latent-lab-bench-'));
  const started = new Date();
  const results: BackendResult[] = [];
  const skipped: string[] = [];
  let imported: Awaited<ReturnType<typeof benchImport>> | null = null;
  try {
    const datasetFile = join(work, 'mnist.lld');
    await writeDatasetFile(datasetFile, await loadMnist());
    for (const b of args.backends) {
      const r = await benchBackend(b, datasetFile, args.epochs, work);
      if (typeof r === 'string') {
        skipped.push(`${b}: ${r}`);
        process.stdout.write(`\n${b}: skipped (${r})\n`);
      } else results.push(r);
    }
    if (!args.noImport) {
      imported = await benchImport({ files: args.importFiles });
      process.stdout.write(
        `\nimport: ${imported.files} PNGs in ${imported.seconds.toFixed(2)} s = ${imported.imagesPerSec.toFixed(0)} images/s\n`,
      );
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  const lines: string[] = [];
  lines.push(
    `## ${started.toISOString().replace('T', ' ').slice(0, 16)} UTC — \`npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}\``,
  );
  lines.push('');
  lines.push(
    `Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'cpu'}), TensorFlow.js ${tf.version_core}.`,
  );
  lines.push('Reference model: 784-400-20 MLP VAE, ReLU, Bernoulli, Adam 1e-3, batch 128, MNIST 60k/10k.');
  lines.push('');
  lines.push(
    '| backend | training images/s (median) | held-out loss per epoch (nats) | 16x16 sweep grid | tensors after each epoch | RSS after each epoch |',
  );
  lines.push('|---|---|---|---|---|---|');
  for (const r of results) {
    const held = r.note ? `(${r.note}) ${r.heldOut.map((v) => v.toFixed(1)).join(', ')}` : r.heldOut.map((v) => v.toFixed(2)).join(', ');
    lines.push(
      `| ${r.detail} | ${r.imagesPerSec.toFixed(0)} (${r.spans} spans) | ${held} | ${r.sweepMs?.toFixed(2)} ms | ${r.tensors.join(', ')} | ${r.rss.map(mb).join(', ')} MB |`,
    );
  }
  for (const s of skipped)
    lines.push(
      `| ${s.split(':')[0]} | skipped: ${s
        .slice(s.indexOf(':') + 1)
        .trim()
        .replace(/\|/g, '/')} | | | | |`,
    );
  if (imported)
    lines.push(
      '',
      `Import: ${imported.files} PNGs (28x28 grey, 10 label folders) in ${imported.seconds.toFixed(2)} s = **${imported.imagesPerSec.toFixed(0)} images/s**.`,
    );
  const targets = results.find((r) => r.backend === 'wasm');
  if (targets) {
    lines.push('');
    lines.push(
      `Targets (wasm): ≥ 3,000 images/s → ${targets.imagesPerSec.toFixed(0)}; 16x16 grid < 16 ms → ${targets.sweepMs?.toFixed(2)} ms; held-out after 1 epoch ≤ 130 → ${targets.heldOut[0]?.toFixed(2)}` +
        (targets.heldOut.length >= 10 ? `; after 10 epochs ≤ 106 → ${targets.heldOut[9]!.toFixed(2)}` : ''),
    );
  }
  lines.push('');
  const text = lines.join('\n') + '\n';
  process.stdout.write('\n' + text);
  const resultsFile = join(dirname(fileURLToPath(import.meta.url)), 'results.md');
  const fresh = await stat(resultsFile).then(
    () => false,
    () => true,
  );
  await appendFile(resultsFile, (fresh ? '# Benchmark results\n\nEach `npm run bench` appends a section (newest last).\n\n' : '') + text);
  process.stdout.write(`appended to ${resultsFile}\n`);
}

await main();
