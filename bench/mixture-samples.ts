// The VAE as a mixture of Gaussians, measured: the share of samples a form-3 CVAE
// classifier labels with confidence >= 0.9, for codes from N(0, I) and from a Gaussian mixture
// fitted (EM, the app's fixed seed) to the encoded training means, from the same VAE. Trains
// both models through the CLI in a data folder of its own, then measures in process.
//   npx tsx bench/mixture-samples.ts [epochs] [images] [latent] [components]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/main/core/backend';
import { readDatasetFile } from '../src/main/core/data/dataset-file';
import { decodeLatents, encodeImages, samplePrior } from '../src/main/core/explore';
import { fitGmm, sampleGmm } from '../src/main/core/explore/gmm';
import { DB_FILE } from '../src/main/core/service';
import { openDb } from '../src/main/core/store/db';
import * as q from '../src/main/core/store/queries';
import { loadRunModel, type LoadedModel } from '../src/main/core/train';

const [E = '5', N = '5000', LATENT = '8', K = '10'] = process.argv.slice(2);
const SAMPLES = 2000;
const dir = process.env.LL_DATA ?? mkdtempSync(join(tmpdir(), 'll-mixture-'));
const ll = (...a: string[]): string =>
  execFileSync('node', ['bin/latent-lab.mjs', ...a, '--data-dir', dir, '--backend', 'wasm'], { encoding: 'utf8' });

console.log(`data folder: ${dir}`);
ll('import', 'mnist');
const common = [
  '--dataset',
  'MNIST digits',
  '--hidden',
  '400',
  '--epochs',
  E,
  '--limit',
  N,
  '--batch',
  '100',
  '--threads',
  '1',
  '--seed',
  '1',
];
let t = Date.now();
ll('train', ...common, '--model', 'vae', '--latent', LATENT, '--name', 'vae');
console.log(`vae (784-400-${LATENT}, ${E} epochs of ${N} digits): ${((Date.now() - t) / 1000).toFixed(0)} s`);
t = Date.now();
ll('train', ...common, '--model', 'cvae', '--form', '3', '--latent', '20', '--name', 'form3');
console.log(`form-3 classifier (784-400-20, ${E} epochs of ${N} digits): ${((Date.now() - t) / 1000).toFixed(0)} s`);

await initBackend('wasm');
const db = openDb(join(dir, DB_FILE));
const model = async (name: string): Promise<LoadedModel> => {
  const r = q.listRuns(db).find((x) => x.name === name)!;
  return loadRunModel(join(dir, q.latestCheckpoint(db, r.id)!.path));
};
const vae = await model('vae');
const clf = await model('form3');
const run = q.listRuns(db).find((x) => x.name === 'vae')!;
const data = await readDatasetFile(join(dir, q.getDataset(db, run.datasetId)!.file));
db.close();

/** per image: the classifier's top class and its probability */
function confidences(pixels: Uint8Array): { top: Int32Array; p: Float32Array } {
  const n = pixels.length / 784;
  const top = new Int32Array(n);
  const p = new Float32Array(n);
  for (let s = 0; s < n; s += 500) {
    const b = Math.min(500, n - s);
    tf.tidy(() => {
      const x = tf.div(tf.tensor2d(pixels.subarray(s * 784, (s + b) * 784), [b, 784], 'float32'), 255) as tf.Tensor2D;
      const probs = clf.predict!(x);
      top.set(tf.argMax(probs, 1).dataSync(), s);
      p.set(tf.max(probs, 1).dataSync(), s);
    });
  }
  return { top, p };
}

function report(name: string, pixels: Uint8Array, labels?: Int32Array): void {
  const { top, p } = confidences(pixels);
  const n = p.length;
  const sure = p.filter((v) => v >= 0.9).length;
  const counts = new Array<number>(10).fill(0);
  top.forEach((c) => counts[c]!++);
  const acc = labels ? ` accuracy ${((top.filter((c, i) => c === labels[i]).length / n) * 100).toFixed(2)}%,` : '';
  console.log(`${name}: ${n} images,${acc} confidence >= 0.9: ${((sure / n) * 100).toFixed(1)}%, classes ${counts.join(' ')}`);
}

// the test digits themselves: the classifier's own ceiling
const test: number[] = [];
const train: number[] = [];
for (let i = 0; i < data.n; i++) (data.split[i] === 1 ? test : train).push(i);
const gather = (idx: number[]): Uint8Array => {
  const out = new Uint8Array(idx.length * 784);
  idx.forEach((i, k) => out.set(data.pixels.subarray(i * 784, (i + 1) * 784), k * 784));
  return out;
};
const testIdx = test.slice(0, SAMPLES);
report(
  'test digits',
  gather(testIdx),
  Int32Array.from(testIdx, (i) => data.labels[i]!),
);
report('N(0, I) samples', samplePrior(vae, SAMPLES, 1));
// as the app fits it: the first 2000 training images' means, k components, EM's fixed seed
const mu = encodeImages(vae, gather(train.slice(0, 2000))).mu;
t = Date.now();
const g = fitGmm(mu, mu.length / vae.latent, vae.latent, { k: Number(K), seed: 0x6a11 });
console.log(`mixture: k = ${K}, ${g.iterations} EM iterations, ${((Date.now() - t) / 1000).toFixed(1)} s`);
report(`mixture samples (k = ${K})`, decodeLatents(vae, sampleGmm(g, SAMPLES, 1), undefined, 1));
