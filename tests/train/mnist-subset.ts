// A small real MNIST subset as a dataset file, shared by the trainer and explore tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDatasetFile } from '../../src/main/core/data/dataset-file.js';
import { loadMnist } from '../../src/main/core/data/mnist.js';
import type { Dataset, TrainConfig } from '../../src/main/core/types.js';

/** The first `train` training and first `test` test digits of the official split. */
export async function mnistSubset(train: number, test: number): Promise<Dataset> {
  const all = await loadMnist();
  const idx: number[] = [];
  for (let i = 0, a = 0, b = 0; i < all.n && (a < train || b < test); i++) {
    if (all.split[i] === 0 && a < train) {
      idx.push(i);
      a++;
    } else if (all.split[i] === 1 && b < test) {
      idx.push(i);
      b++;
    }
  }
  const d = 784;
  const pixels = new Uint8Array(idx.length * d);
  idx.forEach((i, k) => pixels.set(all.pixels.subarray(i * d, (i + 1) * d), k * d));
  return {
    n: idx.length,
    height: 28,
    width: 28,
    channels: 1,
    pixels,
    labels: Int32Array.from(idx.map((i) => all.labels[i]!)),
    split: Uint8Array.from(idx.map((i) => all.split[i]!)),
    labelNames: all.labelNames,
  };
}

/** Writes the subset to a fresh temp folder; returns the folder and the file. */
export async function mnistSubsetFile(train: number, test: number): Promise<{ dir: string; file: string; ds: Dataset }> {
  const dir = mkdtempSync(join(tmpdir(), 'latent-lab-train-'));
  const ds = await mnistSubset(train, test);
  const file = join(dir, 'mnist-subset.lld');
  await writeDatasetFile(file, ds);
  return { dir, file, ds };
}

/** A small MLP VAE for trainer tests; each test overrides what it is about. */
export const tinyVae: TrainConfig = {
  model: 'vae',
  family: 'mlp',
  latent: 8,
  hidden: [200],
  likelihood: 'bernoulli',
  beta: 1,
  epochs: 1,
  batch: 50,
  lr: 2e-3,
  seed: 1,
};
