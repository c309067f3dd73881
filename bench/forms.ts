// The four CVAE forms beside the unconditional VAE: each trained through the CLI on
// the same MNIST subset with the same MLP, likelihood and epochs, then evaluated in process by
// the app's own evaluation (computeEvaluation, as `latent-lab evaluate` runs it) on the same
// test digits. Prints one markdown table: the held-out bound (nats per image and bits per
// dimension), what it bounds, the accuracy of the forms that classify, and the time.
//   npx tsx bench/forms.ts [epochs] [images] [test images]   (default 5 epochs of 10,000, 10,000 test)
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bitsPerDim } from '../src/shared/units';
import type { TrainConfigParsed } from '../src/shared/contract';
import { initBackend } from '../src/main/core/backend';
import { readDatasetFile } from '../src/main/core/data/dataset-file';
import { computeEvaluation } from '../src/main/core/explore/evaluation';
import { DB_FILE } from '../src/main/core/service';
import { openDb } from '../src/main/core/store/db';
import * as q from '../src/main/core/store/queries';
import { loadRunModel } from '../src/main/core/train';

const [E = '5', N = '10000', TEST = '10000'] = process.argv.slice(2);
const dir = process.env.LL_DATA ?? mkdtempSync(join(tmpdir(), 'll-forms-'));
const ll = (...a: string[]): string =>
  execFileSync('node', ['bin/latent-lab.mjs', ...a, '--data-dir', dir, '--backend', 'wasm'], { encoding: 'utf8' });

interface Form {
  name: string;
  flags: string[];
  /** what the negative ELBO is a bound of */
  bounds: string;
  /** how it classifies, if it does */
  classifies: string;
}

const forms: Form[] = [
  { name: 'VAE', flags: ['--model', 'vae'], bounds: '-log p(x)', classifies: '' },
  { name: 'CVAE 1 (learned p(z|y))', flags: ['--model', 'cvae', '--form', '1'], bounds: '-log p(x|y)', classifies: 'argmax_y ELBO(x, y)' },
  { name: 'CVAE 2 (N(0, I))', flags: ['--model', 'cvae', '--form', '2'], bounds: '-log p(x|y)', classifies: 'argmax_y ELBO(x, y)' },
  {
    name: 'CVAE 3 (predicts y)',
    flags: ['--model', 'cvae', '--form', '3'],
    bounds: '-log p(y|x)',
    classifies: 'argmax p(y | x, z = mean p(z|x))',
  },
  { name: 'CVAE 4 (CMMA, p(z|y))', flags: ['--model', 'cvae', '--form', '4'], bounds: '-log p(x|y)', classifies: 'argmax_y ELBO(x, y)' },
];

console.log(`data folder: ${dir}`);
ll('import', 'mnist');
// one architecture for all: 784-400-20 MLPs, dynamically binarized digits (so bits/dim is a
// likelihood of binary images), Adam 1e-3, batch 100, one thread, one seed
const common = ['--dataset', 'MNIST digits', '--latent', '20', '--hidden', '400', '--likelihood', 'binarized'];
const schedule = ['--epochs', E, '--limit', N, '--batch', '100', '--lr', '1e-3', '--threads', '1', '--seed', '1'];
const seconds = new Map<string, number>();
for (const f of forms) {
  const t = Date.now();
  ll('train', ...common, ...schedule, ...f.flags, '--name', f.name);
  seconds.set(f.name, (Date.now() - t) / 1000);
  console.log(`trained ${f.name}: ${seconds.get(f.name)!.toFixed(0)} s`);
}

await initBackend('wasm');
const db = openDb(join(dir, DB_FILE));
const rows: string[][] = [];
for (const f of forms) {
  const run = q.listRuns(db).find((r) => r.name === f.name)!;
  const model = await loadRunModel(join(dir, q.latestCheckpoint(db, run.id)!.path));
  const data = await readDatasetFile(join(dir, q.getDataset(db, run.datasetId)!.file));
  const t = Date.now();
  const ev = computeEvaluation(model, data, { runId: run.id, config: run.config, iwae: 1, limit: Number(TEST) });
  const evalSeconds = (Date.now() - t) / 1000;
  const config = run.config as TrainConfigParsed;
  // form 3's bound is of one label per image: bits per label, not per pixel
  const isLabel = f.bounds === '-log p(y|x)';
  const bits = isLabel ? `${(ev.elbo / Math.LN2).toFixed(3)} per label` : bitsPerDim(ev.elbo, 784, config).value.toFixed(4);
  const accuracy = ev.accuracy === null ? '—' : `${(ev.accuracy * 100).toFixed(2)}% (${f.classifies})`;
  rows.push([f.name, f.bounds, ev.elbo.toFixed(2), bits, accuracy, `${seconds.get(f.name)!.toFixed(0)} s`, `${evalSeconds.toFixed(1)} s`]);
  model.dispose();
}
db.close();

const header = ['model', 'bound of', 'held-out -ELBO (nats/image)', 'bits/dim', 'test accuracy', 'training', 'evaluation'];
console.log(`\n${E} epochs of ${N} training digits, the first ${Number(TEST).toLocaleString('en-US')} test digits\n`);
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
// a bar inside a cell (p(x|y)) would end it: markdown wants it escaped
for (const r of rows) console.log(`| ${r.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`);
