// Real MNIST digits and small models trained here (adam on lossParts, a few hundred steps on a
// 2k subset) for the explore tests: enough for the latent space to mean something, fast on
// two busy cores.
import * as tf from '@tensorflow/tfjs-core';
import { loadMnist } from '../../src/main/core/data/mnist.js';
import { Rng } from '../../src/main/core/model/rng.js';
import { createModel, oneHot, type VaeModel } from '../../src/main/core/model/vae.js';
import type { ModelConfig } from '../../src/main/core/types.js';

export const SHAPE = { height: 28, width: 28, channels: 1 } as const;
export const D = 784;

export interface Digits {
  /** uint8 [n, 28, 28, 1] */
  pixels: Uint8Array;
  labels: Int32Array;
  n: number;
}

let cache: Promise<{ train: Digits; test: Digits }> | null = null;

/** The first 2000 training and first 500 test digits of the official split. */
export function digits(): Promise<{ train: Digits; test: Digits }> {
  cache ??= loadMnist().then((all) => {
    const take = (from: number, n: number): Digits => ({
      pixels: all.pixels.slice(from * D, (from + n) * D),
      labels: all.labels.slice(from, from + n),
      n,
    });
    return { train: take(0, 2000), test: take(60000, 500) };
  });
  return cache;
}

/** Images [from, from + n) of a set. */
export function slice(d: Digits, from: number, n: number): Digits {
  return { pixels: d.pixels.slice(from * D, (from + n) * D), labels: d.labels.slice(from, from + n), n };
}

/** A model trained for `steps` adam steps (batch 100, lr 2e-3) on the digits. */
export function trainSmall(cfg: ModelConfig, data: Digits, steps: number, seed = 1): VaeModel {
  const m = createModel(cfg, SHAPE, 10, seed);
  const opt = tf.train.adam(2e-3);
  const rng = new Rng(seed);
  const f = new Float32Array(data.pixels.length);
  for (let i = 0; i < f.length; i++) f[i] = data.pixels[i]! / 255;
  const xAll = tf.tensor2d(f, [data.n, D]);
  const batch = 100;
  try {
    for (let s = 0; s < steps; s++) {
      const idx = new Int32Array(batch);
      for (let i = 0; i < batch; i++) idx[i] = rng.int(data.n);
      tf.tidy(() => {
        const x = tf.gather(xAll, idx) as tf.Tensor2D;
        const y = m.conditional
          ? oneHot(
              Array.from(idx, (i) => data.labels[i]!),
              10,
            )
          : undefined;
        opt.minimize(() => m.lossParts(x, y, { beta: 1, training: true, rng }).loss, false, m.variables);
      });
    }
  } finally {
    xAll.dispose();
    opt.dispose();
  }
  return m;
}

/** Mean absolute difference of two uint8 image sets, 0..255. */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** Runs f and returns its result after checking it left no tensors behind. */
export function noLeak<T>(f: () => T): T {
  const before = tf.memory().numTensors;
  const out = f();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`leaked ${after - before} tensors`);
  return out;
}
