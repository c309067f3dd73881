// Adam's step over the flat parameter vector of data-parallel training, as 128-bit wasm SIMD
// over the shared WebAssembly.Memory that holds the weights, the moments and every thread's
// gradient slot. The JS loop (adam.ts's adamSlice) was bound by its scalar division and square
// root: 2.1 ms a step on half of the 784-400-20 VAE's 650k parameters, a tenth of the step.
// f32x4.div and f32x4.sqrt take four lanes at a time.
//
// The module is one small function written in wasm's text format (wasm/adam.wat), built into
// wasm/adam.wasm.ts. Float32 throughout, as the moments are stored; the JS loop computes in
// float64 between its float32 loads and stores, so the two agree to float32 rounding
// (tests/train/adam-simd.test.ts).
import { adamWasm } from '../wasm/adam.wasm.js';
import { ADAM } from './adam.js';

/** Where the arrays sit in the memory, in bytes; the gradient slots follow each other. */
export interface AdamLayout {
  weights: number;
  m: number;
  v: number;
  grads: number;
  /** parameters (floats per array and per slot) */
  params: number;
  /** gradient slots summed, in slot order */
  slots: number;
}

export type SimdAdam = (layout: AdamLayout, from: number, to: number, lr: number, t: number) => void;

/**
 * Adam over `memory` with SIMD, or null where this engine has no wasm SIMD (every Node since
 * 16 has it; the caller keeps the JS loop for the rest).
 */
export function simdAdam(memory: WebAssembly.Memory): SimdAdam | null {
  let run: (...a: number[]) => void;
  try {
    const mod = new WebAssembly.Module(adamWasm);
    run = new WebAssembly.Instance(mod, { env: { memory } }).exports['adam'] as (...a: number[]) => void;
  } catch {
    return null;
  }
  const f32 = new Float32Array(memory.buffer);
  const { beta1: b1, beta2: b2, epsilon } = ADAM;
  return (L, from, to, lr, t) => {
    const step = lr / (1 - Math.pow(b1, t));
    const root = 1 / Math.sqrt(1 - Math.pow(b2, t));
    // four at a time in wasm, the last few here (the same float32 formula)
    const end = from + Math.floor((to - from) / 4) * 4;
    if (end > from)
      run(L.weights, L.m, L.v, L.grads, L.params * 4, L.slots, from * 4, end * 4, b1, 1 - b1, b2, 1 - b2, step, root, epsilon);
    const f = Math.fround;
    for (let i = end; i < to; i++) {
      let g = f32[L.grads / 4 + i]!;
      for (let s = 1; s < L.slots; s++) g = f(g + f32[L.grads / 4 + s * L.params + i]!);
      const mi = f(f(f(b1) * f32[L.m / 4 + i]!) + f(f(1 - b1) * g));
      const vi = f(f(f(b2) * f32[L.v / 4 + i]!) + f(f(f(1 - b2) * g) * g));
      f32[L.m / 4 + i] = mi;
      f32[L.v / 4 + i] = vi;
      f32[L.weights / 4 + i] = f(f32[L.weights / 4 + i]! - f(f(f(step) * mi) / f(f(f(Math.sqrt(vi)) * f(root)) + f(epsilon))));
    }
  };
}
