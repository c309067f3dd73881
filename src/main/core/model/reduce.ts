// Sums over leading axes (bias gradients and broadcast gradients, every step). wasm's Sum over
// any axis but the innermost transposes the tensor first, so the sum is a pooling or a matmul:
// - wasm: one average pool over a [n, 1] window, times n. XNNPACK's pooling streams the
//   rows once; a matmul packs its second operand (the gradient, fresh every step) first.
//   Summing a [12544, 32] conv gradient took 1.3 ms as ones[1, n] x g and ~0.25 ms pooled;
//   the 28x28 conv VAE's bias gradients went from 3.9 to 0.4 ms a step (bench/results.md,
//   "bias gradients, pooled").
// - elsewhere (webgpu, cpu, tfjs-node): ones[1, n] x g, which a GPU spreads over many
//   threads where a pooling window of n would give one thread per channel.
import * as tf from '@tensorflow/tfjs-core';

/** g summed over its first `lead` axes: [a0 .. a(lead-1), ...rest] -> rest. */
export function sumLeadingAxes(g: tf.Tensor, lead: number): tf.Tensor {
  const rest = g.shape.slice(lead);
  const m = rest.reduce((p, s) => p * s, 1);
  const n = g.size / Math.max(m, 1);
  if (m === 0 || n === 0) return tf.sum(g, [...Array(lead).keys()]);
  if (tf.getBackend() === 'wasm') {
    // the pooled mean differs from the sum's rounding by ~1e-5 relative (gradients.test.ts);
    // a NaN comes out as -Infinity (XNNPACK clamps the pool's output), which Adam turns into
    // NaN weights as it would the NaN
    const pooled = tf.avgPool(tf.reshape(g, [1, n, 1, m]) as tf.Tensor4D, [n, 1], 1, 'valid');
    return tf.reshape(tf.mul(pooled, n), rest);
  }
  return tf.reshape(tf.matMul(tf.ones([1, n]), tf.reshape(g, [n, m])), rest);
}

/** True when `axes` are exactly 0, 1, .., k-1 (what sumLeadingAxes sums). */
export function areLeadingAxes(axes: number[]): boolean {
  return axes.length > 0 && axes.every((a, i) => a === i);
}
