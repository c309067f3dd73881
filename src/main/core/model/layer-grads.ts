// What the dense and conv layers' hand-written gradients share: the activation's derivative
// from its output, and a bias's gradient.
import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './params.js';
import { sumLeadingAxes } from './reduce.js';

/** Gradient of an activation given its output y: relu' = step(y), tanh' = 1 - y^2. */
export function activationGrad(dy: tf.Tensor, y: tf.Tensor, act: Activation): tf.Tensor {
  if (act === 'relu') return tf.mul(dy, tf.step(y));
  if (act === 'tanh') return tf.mul(dy, tf.sub(1, tf.square(y)));
  return dy;
}

/** A bias's gradient: d summed over every axis but the channels (see reduce.ts for why a matmul). */
export function biasGrad(d: tf.Tensor): tf.Tensor1D {
  return sumLeadingAxes(d, d.rank - 1) as tf.Tensor1D;
}
