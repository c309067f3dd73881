// The wasm backend's Identity shares its input's bytes (backends/wasm-identity.ts): a clone,
// and so every tensor a custom gradient saves, costs no copy, and each reference outlives
// the other's disposal.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';

interface DataIds {
  numDataIds(): number;
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('wasm Identity', () => {
  it('clones without copying, and either reference survives the other', () => {
    const backend = tf.backend() as unknown as DataIds;
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const before = backend.numDataIds();
    const y = tf.clone(x);
    expect(backend.numDataIds(), 'a clone allocates no new data').toBe(before);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    const z = tf.clone(y);
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    z.dispose();
    expect(backend.numDataIds()).toBe(before - 1);
  });

  it('keeps what a custom gradient saved after the forward pass is gone', () => {
    const f = tf.customGrad((a, save) => {
      const y = tf.square(a as tf.Tensor);
      (save as tf.GradSaveFunc)([a as tf.Tensor]);
      return { value: y, gradFunc: (dy, saved) => tf.mul(dy as tf.Tensor, tf.mul(saved[0]!, 2)) };
    });
    const a = tf.tensor1d([1, -2, 3]);
    const g = tf.grad((t) => f(t) as tf.Tensor)(a);
    expect(Array.from(g.dataSync())).toEqual([2, -4, 6]);
    tf.dispose([a, g]);
  });

  it('a variable assigned after a clone leaves the clone as it was', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const c = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([v, c]);
  });
});
