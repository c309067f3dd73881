// Adam, twice: tfjs's optimizer (one engine: its state lives on the backend, GPU included)
// and a plain loop over shared memory for data-parallel wasm, where each thread updates its
// slice of the flat parameter vector. Both follow tfjs's formulas and save the same
// checkpoint state (`<param>/m`, `<param>/v` and the step count), so either resumes the other.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedWeight } from '../model/layers.js';
import type { VaeModel } from '../model/vae.js';

export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

export interface OptimizerState {
  /** steps taken */
  iterations: number;
  weights: NamedWeight[];
}

/**
 * One Adam step on w[from..to) with gradient the sum of `grads` (in their order, so the
 * result does not depend on thread timing). t = steps taken including this one.
 */
export function adamSlice(
  w: Float32Array,
  m: Float32Array,
  v: Float32Array,
  grads: Float32Array[],
  from: number,
  to: number,
  lr: number,
  t: number,
): void {
  const { beta1: b1, beta2: b2, epsilon } = ADAM;
  const a1 = 1 - b1;
  const a2 = 1 - b2;
  // bias corrections folded into constants: w -= step * m / (sqrt(v) * root + epsilon)
  const step = lr / (1 - Math.pow(b1, t));
  const root = 1 / Math.sqrt(1 - Math.pow(b2, t));
  // two operands inline, so the common case (two cores) makes one pass over memory
  const g0 = grads[0]!;
  const g1 = grads.length === 2 ? grads[1]! : sumRest(grads, from, to);
  for (let i = from; i < to; i++) {
    const gi = g0[i]! + g1[i]!;
    const mi = b1 * m[i]! + a1 * gi;
    const vi = b2 * v[i]! + a2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i]! - (step * mi) / (Math.sqrt(vi) * root + epsilon);
  }
}

let scratch = new Float32Array(0);

/** grads[1] + grads[2] + ... on [from, to) (zeros for a single slot), in slot order. */
function sumRest(grads: Float32Array[], from: number, to: number): Float32Array {
  if (scratch.length < to) scratch = new Float32Array(to);
  const out = scratch;
  out.fill(0, from, to);
  for (let s = 1; s < grads.length; s++) {
    const gs = grads[s]!;
    for (let i = from; i < to; i++) out[i] = out[i]! + gs[i]!;
  }
  return out;
}

/** Adam moments of tfjs's optimizer by our parameter names, and the step count. */
export async function tfjsAdamState(opt: tf.Optimizer, model: VaeModel): Promise<OptimizerState> {
  const ws = await opt.getWeights();
  const iterations = (await ws[0]!.tensor.data())[0]!;
  // getWeights makes a fresh scalar for the step count (the moments are its own variables)
  ws[0]!.tensor.dispose();
  const logical = new Map(model.variables.map((v, i) => [v.name, model.paramNames[i]!]));
  const weights = await Promise.all(
    ws.slice(1).map(async (w) => {
      const m = /^(.*)\/(m|v)$/.exec(w.name);
      const name = m && logical.get(m[1]!);
      if (!m || !name) throw new Error(`optimizer state ${w.name} belongs to no model parameter`);
      // async: WebGPU cannot read synchronously in Node
      return { name: `${name}/${m[2]}`, shape: w.tensor.shape.slice(), data: (await w.tensor.data()) as Float32Array };
    }),
  );
  return { iterations, weights };
}

export async function restoreTfjsAdam(opt: tf.Optimizer, model: VaeModel, state: OptimizerState): Promise<void> {
  const named: { name: string; tensor: tf.Tensor }[] = [{ name: 'iter', tensor: tf.scalar(state.iterations, 'int32') }];
  // Adam pairs moments with variables by position: give them in model.variables order,
  // which is the order minimize() passes the gradients in
  for (const kind of ['m', 'v'] as const) {
    model.paramNames.forEach((p, i) => {
      const w = savedMoment(state, p, kind);
      named.push({ name: `${model.variables[i]!.name}/${kind}`, tensor: tf.tensor(w.data, w.shape) });
    });
  }
  await opt.setWeights(named);
  tf.dispose(named.map((n) => n.tensor));
}

export function savedMoment(state: OptimizerState, param: string, kind: 'm' | 'v'): NamedWeight {
  const w = state.weights.find((x) => x.name === `${param}/${kind}`);
  if (!w) throw new Error(`optimizer state lacks ${param}/${kind}`);
  return w;
}
