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

/**
 * What a layer kind brings to `withLayerGrad`, all in terms of d = dL/d(pre-activation). The
 * forward returns y and what the weight's gradient needs of the input: x itself, or a form of
 * it the forward made anyway (dense's x^T).
 */
export interface LayerGradFns<T extends tf.Tensor> {
  forward(x: T, w: tf.Tensor, b: tf.Tensor1D): { y: T; xSaved: tf.Tensor };
  inputGrad(d: T, w: tf.Tensor): T;
  weightGrad(xSaved: tf.Tensor, d: T): tf.Tensor;
}

/**
 * y = act(layer(x, W) + b) with the layer's own gradients. `inputGrad` false for a layer fed by
 * data (the first layer): x gets no gradient, which saves the largest product of the backward pass.
 */
export function withLayerGrad<T extends tf.Tensor>(
  x: T,
  w: tf.Variable,
  b: tf.Variable,
  act: Activation,
  inputGrad: boolean,
  layer: LayerGradFns<T>,
): T {
  if (!inputGrad) {
    // x is not an input (no gradient wanted) but the backward pass needs it: save() keeps
    // it alive past the forward tidy, a closure would not
    const f = tf.customGrad((wi, bi, save) => {
      const { y, xSaved } = layer.forward(x, wi as tf.Tensor, bi as tf.Tensor1D);
      (save as tf.GradSaveFunc)([y, xSaved]);
      return {
        value: y,
        gradFunc: (dy, saved) => {
          const [ys, xs] = saved as [T, tf.Tensor];
          const d = activationGrad(dy, ys, act) as T;
          return [layer.weightGrad(xs, d), biasGrad(d)];
        },
      };
    });
    return f(w, b) as T;
  }
  const f = tf.customGrad((xi, wi, bi, save) => {
    const { y, xSaved } = layer.forward(xi as T, wi as tf.Tensor, bi as tf.Tensor1D);
    (save as tf.GradSaveFunc)([xSaved, wi as tf.Tensor, y]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [xs, ws, ys] = saved as [tf.Tensor, tf.Tensor, T];
        const d = activationGrad(dy, ys, act) as T;
        return [layer.inputGrad(d, ws), layer.weightGrad(xs, d), biasGrad(d)];
      },
    };
  });
  return f(x, w, b) as T;
}
