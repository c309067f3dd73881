// The dense layer with a hand-written gradient. Why not autograd: on wasm, the autograd of
// matMul uses transposeA/transposeB forms that are ~13x slower than an explicit transpose
// followed by a plain matMul. See ENGINES.md, "wasm".
import * as tf from '@tensorflow/tfjs-core';
import './gradients.js';
import { withLayerGrad } from './layer-grads.js';
import type { Activation } from './params.js';
import { transposedWeight } from './transposed-weights.js';

// The forward passes call the fused kernels directly: tf.fused.* falls back to separate
// matMul + add + relu whenever a gradient tape is recording (so autograd can see each
// piece), but inside customGrad nothing is recorded and we bring our own gradient.
function denseForward(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, act: Activation): tf.Tensor2D {
  if (act === 'tanh') return tf.tanh(tf.add(tf.matMul(x, w), b)) as tf.Tensor2D;
  const attrs = { transposeA: false, transposeB: false, activation: act === 'relu' ? 'relu' : 'linear', leakyreluAlpha: 0.2 };
  // the kernel works on 3-D batches, like the op that normally wraps it
  const [n, k] = x.shape;
  const m = w.shape[1];
  const a3 = tf.reshape(x, [1, n, k]);
  const b3 = tf.reshape(w, [1, k, m]);
  const y = tf.engine().runKernel('_FusedMatMul', { a: a3, b: b3, bias: b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor3D;
  return tf.reshape(y, [n, m]);
}

/**
 * y = act(x W + b) with an explicit-transpose gradient. `inputGrad` false for a layer fed
 * by data (the first layer), which saves the largest matmul of the backward pass.
 */
export function dense(x: tf.Tensor2D, w: tf.Variable, b: tf.Variable, act: Activation, inputGrad: boolean): tf.Tensor2D {
  const wT = transposedFor(w, x.shape[0]);
  return withLayerGrad(x, w, b, act, inputGrad, {
    // y, and what the weight's gradient x^T d needs: x^T where the forward made it, else x
    forward: (xi, wi, bi) =>
      wT ? denseForwardTransposed(xi, wT, bi, act) : { y: denseForward(xi, wi as tf.Tensor2D, bi, act), xSaved: xi },
    inputGrad: (d, wi) => denseInputGrad(d, wi as tf.Tensor2D),
    weightGrad: (xOrT, d) => tf.matMul(wT ? (xOrT as tf.Tensor2D) : tf.transpose(xOrT as tf.Tensor2D), d),
  });
}

/**
 * The forward as y = ((W^T) x^T)^T from a copy of W^T the trainer made (transposed-weights.ts):
 * the matmul packs its second operand, x^T, rather than a W that is new every step. x^T is
 * what the weight's gradient needs too.
 */
function denseForwardTransposed(x: tf.Tensor2D, wT: tf.Tensor2D, b: tf.Tensor1D, act: Activation): { y: tf.Tensor2D; xSaved: tf.Tensor2D } {
  const xT = tf.transpose(x) as tf.Tensor2D;
  const z = tf.add(tf.transpose(tf.matMul(wT, xT)), b);
  const y = act === 'relu' ? tf.relu(z) : act === 'tanh' ? tf.tanh(z) : z;
  return { y: y as tf.Tensor2D, xSaved: xT };
}

/** W^T when the trainer holds it for these weights and it pays at this many rows, else null. */
function transposedFor(w: tf.Variable, rows: number): tf.Tensor2D | null {
  const [inSize, out] = w.shape as [number, number];
  // packing x^T (rows x in) and transposing y back (rows x out) against packing W (in x out)
  return rows > 0 && rows * (inSize + out) < inSize * out ? transposedWeight(w) : null;
}

/**
 * dx = d W^T [b, in] for d [b, out], W [in, out]. A matmul packs its second operand, and a
 * weight that changed since the last step (every step, in training) is packed anew; for a
 * batch smaller than the layer, (W d^T)^T transposes and packs b*(in+out) numbers instead of
 * the in*out of W^T (the decoder's 400x784 output layer at batch 64: 75k against 313k).
 */
function denseInputGrad(d: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const [b, out] = d.shape;
  const inSize = w.shape[0];
  if (b * (inSize + out) >= inSize * out) return tf.matMul(d, tf.transpose(w));
  return tf.transpose(tf.matMul(w, tf.transpose(d))) as tf.Tensor2D;
}
