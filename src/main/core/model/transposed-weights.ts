// Copies of dense weights, transposed, that data-parallel training keeps beside the weights
// it loads each step (parallel-share.ts). A matmul on wasm packs its second operand, and
// packs it again whenever that is a new tensor: x W with the weights of every training step
// repacked each 3136x256 layer of the 28x28 conv VAE, ~3 ms apiece. With W^T at hand the
// dense forward is (W^T x^T)^T (layers.ts), which packs the small x^T instead.
//
// A copy is used only while the variable still holds the data it was made from: assign()
// gives a variable a new data id, so weights set any other way (a resume, setWeights)
// never meet a stale transpose.
import * as tf from '@tensorflow/tfjs-core';

const copies = new WeakMap<tf.Variable, { dataId: object; t: tf.Tensor2D }>();

/** Holds W^T for `w` as it is now (kept out of any tidy); replaces and frees an older one. */
export function setTransposedWeight(w: tf.Variable): void {
  const t = tf.keep(tf.tidy(() => tf.transpose(w) as tf.Tensor2D));
  dropTransposedWeight(w);
  copies.set(w, { dataId: w.dataId, t });
}

/** W^T made from the data `w` holds now, or null. */
export function transposedWeight(w: tf.Variable): tf.Tensor2D | null {
  const c = copies.get(w);
  return c && c.dataId === w.dataId ? c.t : null;
}

export function dropTransposedWeight(w: tf.Variable): void {
  copies.get(w)?.t.dispose();
  copies.delete(w);
}
