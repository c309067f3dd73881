// Sums over leading axes as a matmul. wasm's Sum over any axis but the innermost transposes
// the tensor first: summing a conv layer's [128, 7, 7, 128] gradient over [0, 1, 2] took 6.3 ms
// against 0.34 ms as ones[1, N] x g[N, C], and a dense layer's [128, 400] over axis 0 0.35 ms
// against 0.10 (bench/results.md, "bias gradients"). Bias gradients and broadcast gradients
// are such sums, every step.
import * as tf from '@tensorflow/tfjs-core';

/** g summed over its first `lead` axes: [a0 .. a(lead-1), ...rest] -> rest. */
export function sumLeadingAxes(g: tf.Tensor, lead: number): tf.Tensor {
  const rest = g.shape.slice(lead);
  const m = rest.reduce((p, s) => p * s, 1);
  const n = g.size / Math.max(m, 1);
  if (m === 0 || n === 0) return tf.sum(g, [...Array(lead).keys()]);
  return tf.reshape(tf.matMul(tf.ones([1, n]), tf.reshape(g, [n, m])), rest);
}

/** True when `axes` are exactly 0, 1, .., k-1 (what sumLeadingAxes sums). */
export function areLeadingAxes(axes: number[]): boolean {
  return axes.length > 0 && axes.every((a, i) => a === i);
}
