// `npm run bench [-- --epochs N --engines wasm-1,wasm-N,webgpu,webgpu-chromium,torch-1,torch-2,torch-cuda --models mlp,conv28,conv64 --import-files 2000 --no-import --in-process]`
//
// Trains each model on each engine that loads, in one run, and prints: training images/s
// (median of the trainer's ~100 ms spans after warm-up), held-out loss after each epoch,
// tensors and RSS after each epoch, the time to decode a 16 x 16 sweep grid (MLP), and
// import throughput. Engines: wasm with 1 thread and with one per core (data-parallel),
// webgpu-chromium (the trainer page in a headless Chromium) and webgpu (Dawn) (on a software
// adapter each is labelled so and trains a cut-down set), the PyTorch engine with 1 and 2
// processes and on CUDA (torch-1, torch-2, torch-cuda: where a python3 imports torch), tfjs-node and
// tfjs-node-gpu where they load, cpu (a few steps, to show why it is last). Each training runs
// as the app runs it, in a training worker thread at background priority (its data-parallel
// threads too); --in-process runs it on the bench's own thread, at normal priority (on 2 cores
// the two measured the same, 8,513-8,909 and 8,612-8,808 images/s for the MLP, alternated).
// Appends the figures to bench/results.md.
import * as tf from '@tensorflow/tfjs-core';
import { appendFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMnist, writeUpscaled } from './datasets.js';
import { benchImport } from './import-bench.js';
import { benchRow, mb, MODELS, type Engine, type Row } from './train-bench.js';

const cores = availableParallelism();
const ENGINES: Engine[] = [
  { id: 'tfjs-node-gpu', backend: 'tfjs-node-gpu' },
  { id: 'webgpu-chromium', backend: 'webgpu-chromium' },
  { id: 'webgpu', backend: 'webgpu' },
  { id: 'tfjs-node', backend: 'tfjs-node' },
  { id: 'wasm-1', backend: 'wasm', threads: 1 },
  { id: 'wasm-N', backend: 'wasm', threads: cores },
  { id: 'cpu', backend: 'cpu' },
  { id: 'torch-1', backend: 'torch', processes: 1 },
  { id: 'torch-2', backend: 'torch', processes: 2 },
  { id: 'torch-cuda', backend: 'torch', processes: 1, device: 'cuda' },
];

interface Args {
  epochs: number;
  engines: Engine[];
  models: typeof MODELS;
  importFiles: number;
  noImport: boolean;
  inProcess: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { epochs: 1, engines: ENGINES, models: MODELS, importFiles: 2000, noImport: false, inProcess: false };
  const pick = <T extends { id: string }>(all: T[], list: string, what: string): T[] =>
    list.split(',').map((id) => {
      const hit = all.find((x) => x.id === id);
      if (!hit) throw new Error(`bench: unknown ${what} ${id} (have ${all.map((x) => x.id).join(', ')})`);
      return hit;
    });
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1] ?? '';
    if (k === '--epochs') a.epochs = Number(v);
    else if (k === '--engines') a.engines = pick(ENGINES, v, 'engine');
    else if (k === '--models') a.models = pick(MODELS, v, 'model');
    else if (k === '--import-files') a.importFiles = Number(v);
    else if (k === '--no-import' || k === '--in-process') {
      if (k === '--no-import') a.noImport = true;
      else a.inProcess = true;
      continue;
    } else
      throw new Error(
        `bench: unknown argument ${k} (use --epochs N, --engines ..., --models ..., --import-files N, --no-import, --in-process)`,
      );
    i++;
  }
  if (!Number.isInteger(a.epochs) || a.epochs < 1) throw new Error('bench: --epochs must be an integer >= 1');
  return a;
}

function table(rows: Row[], skipped: string[]): string[] {
  const lines = [
    '| engine | model | training images/s (median) | held-out loss per epoch (nats) | epoch time | tensors after each epoch | RSS after each epoch |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const held = (r.note ? `(${r.note}) ` : '') + r.heldOut.map((v) => v.toFixed(2)).join(', ');
    lines.push(
      `| ${r.detail} | ${r.model.id} | ${r.imagesPerSec.toFixed(r.imagesPerSec < 10 ? 1 : 0)} (${r.spans ? `${r.spans} spans` : 'the epoch'}) | ${held} | ${r.epochSeconds.map((s) => s.toFixed(1)).join(', ')} s | ${r.tensors.join(', ')} | ${r.rss.map(mb).join(', ')} MB |`,
    );
  }
  for (const s of skipped)
    lines.push(
      `| ${s.split(':')[0]} | | skipped: ${s
        .slice(s.indexOf(':') + 1)
        .trim()
        .replace(/\|/g, '/')} | | | | |`,
    );
  return lines;
}

/** What the rows say against the engine's targets and against each other. */
function summary(rows: Row[]): string[] {
  const find = (engine: string, model: string) => rows.find((r) => r.engine.id === engine && r.model.id === model && !r.note);
  const out: string[] = [];
  for (const m of ['mlp', 'conv28', 'conv64']) {
    const one = find('wasm-1', m);
    const many = find('wasm-N', m);
    const gpu = find('webgpu', m);
    const page = find('webgpu-chromium', m);
    const parts: string[] = [];
    if (one && many) parts.push(`wasm ${many.engine.threads} threads / 1 thread = ${(many.imagesPerSec / one.imagesPerSec).toFixed(2)}x`);
    if (gpu && many) parts.push(`webgpu / wasm ${many.engine.threads} threads = ${(gpu.imagesPerSec / many.imagesPerSec).toFixed(2)}x`);
    if (page && many)
      parts.push(`webgpu-chromium / wasm ${many.engine.threads} threads = ${(page.imagesPerSec / many.imagesPerSec).toFixed(2)}x`);
    for (const id of ['torch-1', 'torch-2']) {
      const t = find(id, m);
      if (t && many)
        parts.push(
          `${id} / wasm ${many.engine.threads} threads = ${(t.imagesPerSec / many.imagesPerSec).toFixed(2)}x, held-out ${(t.heldOut[0]! - many.heldOut[0]!).toFixed(2)} nats`,
        );
    }
    if (m === 'mlp' && one) {
      const held = [many, gpu, page]
        .filter((r): r is Row => !!r)
        .map((r) => `${r.engine.id} ${(r.heldOut[0]! - one.heldOut[0]!).toFixed(2)}`);
      if (held.length) parts.push(`held-out after 1 epoch minus wasm-1's: ${held.join(', ')} nats`);
    }
    if (parts.length) out.push(`- ${m}: ${parts.join('; ')}`);
  }
  const sweep = rows.find((r) => r.sweepMs !== null);
  // grids are decoded by explore's backend (wasm or native), whatever trained the model
  if (sweep) out.push(`- 16x16 sweep grid, decoded by explore's backend: ${sweep.sweepMs!.toFixed(2)} ms`);
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const work = await mkdtemp(join(tmpdir(), 'latent-lab-bench-'));
  const started = new Date();
  const rows: Row[] = [];
  const skipped = new Map<string, string>();
  let imported: Awaited<ReturnType<typeof benchImport>> | null = null;
  try {
    const files = { mnist: join(work, 'mnist.lld'), side64: join(work, 'side64.lld') };
    const mnist = await writeMnist(files.mnist);
    if (args.models.some((m) => m.data === 'side64')) await writeUpscaled(files.side64, mnist, 64, 2048, 512);
    for (const engine of args.engines) {
      for (const model of args.models) {
        const r = await benchRow(engine, model, files[model.data], args.epochs, work, args.inProcess);
        if (typeof r !== 'string') rows.push(r);
        else {
          skipped.set(engine.id, r);
          process.stdout.write(`\n${engine.id}: skipped (${r})\n`);
          break;
        }
      }
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

  const argText = process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : '';
  const lines = [
    `## ${started.toISOString().replace('T', ' ').slice(0, 16)} UTC — \`npm run bench${argText}\``,
    '',
    `Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'cpu'}), TensorFlow.js ${tf.version_core}. Adam 1e-3, batch 128, seed 1. Trained ${args.inProcess ? "on the bench's own thread (--in-process)" : 'in a training worker thread, as the app trains'}.`,
    '',
    ...args.models.map((m) => `- ${m.id}: ${m.title}`),
    '',
    ...table(
      rows,
      [...skipped].map(([id, why]) => `${id}: ${why}`),
    ),
    '',
    ...summary(rows),
  ];
  if (imported) {
    lines.push(
      '',
      `Import: ${imported.files} PNGs (28x28 grey, 10 label folders) in ${imported.seconds.toFixed(2)} s = **${imported.imagesPerSec.toFixed(0)} images/s**.`,
    );
  }
  const text = lines.join('\n') + '\n\n';
  process.stdout.write('\n' + text);
  const resultsFile = process.env.BENCH_RESULTS ?? join(dirname(fileURLToPath(import.meta.url)), 'results.md');
  const fresh = await stat(resultsFile).then(
    () => false,
    () => true,
  );
  await appendFile(resultsFile, (fresh ? '# Benchmark results\n\nEach `npm run bench` appends a section (newest last).\n\n' : '') + text);
  process.stdout.write(`appended to ${resultsFile}\n`);
}

await main();
