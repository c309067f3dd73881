// Adam over a model's variables as tensor ops, for the engines that keep the weights on their
// backend (WebGPU in a page or through Dawn, cpu, tfjs-node). tfjs's own Adam keeps the bias
// corrections as running products (beta^t, multiplied in float32 every step) and rebuilds them
// with pow() on setWeights, so a resumed run drifted from the uninterrupted one (1.8e-4 nats
// after one resumed epoch on the Chromium engine). Here each step's corrections come from t
// alone, the same constants as the wasm engine's SIMD Adam (adamSlice), so a resume continues
// the run exactly and every engine takes the same step.
import * as tf from '@tensorflow/tfjs-core';
import type { VaeModel } from '../model/vae.js';
import { ADAM, savedMoment, type OptimizerState } from './adam.js';

export class TensorAdam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    private readonly model: VaeModel,
    private readonly lr: number,
  ) {
    this.m = model.variables.map((w) => tf.variable(tf.zerosLike(w), false));
    this.v = model.variables.map((w) => tf.variable(tf.zerosLike(w), false));
  }

  /**
   * One step with the gradient of each variable (by position); a variable the loss does not
   * reach (an HVAE's upper prior while the KL weight is 0) gets a zero gradient, as on wasm.
   */
  apply(grads: (tf.Tensor | undefined)[]): void {
    this.t++;
    const { beta1: b1, beta2: b2, epsilon } = ADAM;
    const step = this.lr / (1 - Math.pow(b1, this.t));
    const root = 1 / Math.sqrt(1 - Math.pow(b2, this.t));
    tf.tidy(() => {
      this.model.variables.forEach((w, i) => {
        const g = grads[i];
        const m = g ? tf.add(tf.mul(this.m[i]!, b1), tf.mul(g, 1 - b1)) : tf.mul(this.m[i]!, b1);
        const v = g ? tf.add(tf.mul(this.v[i]!, b2), tf.mul(tf.square(g), 1 - b2)) : tf.mul(this.v[i]!, b2);
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        w.assign(tf.sub(w, tf.div(tf.mul(m, step), tf.add(tf.mul(tf.sqrt(v), root), epsilon))));
      });
    });
  }

  async state(): Promise<OptimizerState> {
    const names = this.model.paramNames;
    const read = (kind: 'm' | 'v', vs: tf.Variable[]) =>
      // async: WebGPU cannot read synchronously in Node
      Promise.all(
        vs.map(async (x, i) => ({ name: `${names[i]!}/${kind}`, shape: x.shape.slice(), data: (await x.data()) as Float32Array })),
      );
    return { iterations: this.t, weights: [...(await read('m', this.m)), ...(await read('v', this.v))] };
  }

  restore(state: OptimizerState): void {
    this.t = state.iterations;
    this.model.paramNames.forEach((p, i) => {
      for (const [kind, vs] of [
        ['m', this.m],
        ['v', this.v],
      ] as const) {
        const w = savedMoment(state, p, kind);
        tf.tidy(() => vs[i]!.assign(tf.tensor(w.data, w.shape)));
      }
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
