// Adam, twice: as tensor ops for an engine whose weights live on its backend (adam-tensors.ts,
// GPU included), and as a plain loop over shared memory for data-parallel wasm, where each
// thread updates its slice of the flat parameter vector (the reference for adam-simd.ts). Both
// take the same step from the same constants and save the same checkpoint state (`<param>/m`,
// `<param>/v` and the step count), so either resumes the other.
import type { NamedWeight } from '../model/layers.js';

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

export function savedMoment(state: OptimizerState, param: string, kind: 'm' | 'v'): NamedWeight {
  const w = state.weights.find((x) => x.name === `${param}/${kind}`);
  if (!w) throw new Error(`optimizer state lacks ${param}/${kind}`);
  return w;
}
