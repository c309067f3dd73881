// Adam's step over the flat parameter vector of data-parallel training, as 128-bit wasm SIMD
// over the shared WebAssembly.Memory that holds the weights, the moments and every thread's
// gradient slot. The JS loop (adam.ts's adamSlice) was bound by its scalar division and square
// root: 2.1 ms a step on half of the 784-400-20 VAE's 650k parameters, a tenth of the step.
// f32x4.div and f32x4.sqrt take four lanes at a time.
//
// The module is one small function, assembled from its opcodes (wasm/assemble.ts). Float32
// throughout, as the moments are stored; the JS loop computes in float64 between its float32
// loads and stores, so the two agree to float32 rounding (tests/train/adam-simd.test.ts).
import { F32, funcBody, get, I32, i32add, load, oneFunctionModule, set, simd, store, V128 } from '../wasm/assemble.js';
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
    const mod = new WebAssembly.Module(moduleBytes());
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

// ---- the module: (import "env" "memory" (memory 0 65536 shared)) (func (export "adam") ...) ----

// parameters: 0 w, 1 m, 2 v, 3 g, 4 stride, 5 slots, 6 from, 7 end (i32, bytes but slots);
// 8 b1, 9 a1, 10 b2, 11 a2, 12 step, 13 root, 14 eps (f32)
const P = { w: 0, m: 1, v: 2, g: 3, stride: 4, slots: 5, from: 6, end: 7, b1: 8, a1: 9, b2: 10, a2: 11, step: 12, root: 13, eps: 14 };
// locals after the parameters: i32 s, q; v128 B1, A1, B2, A2, ST, RT, EP, G, M, V
const L = { s: 15, q: 16, B1: 17, A1: 18, B2: 19, A2: 20, ST: 21, RT: 22, EP: 23, G: 24, M: 25, V: 26 };

const splat = simd(0x13);
const sqrt = simd(0xe3);
const add = simd(0xe4);
const sub = simd(0xe5);
const mul = simd(0xe6);
const div = simd(0xe7);
const at = (base: number) => [...get(base), ...get(P.from), i32add]; // base + i (bytes)

function body(): number[] {
  // prettier-ignore
  const code: number[] = [
    // the constants in every lane
    ...get(P.b1), ...splat, ...set(L.B1),
    ...get(P.a1), ...splat, ...set(L.A1),
    ...get(P.b2), ...splat, ...set(L.B2),
    ...get(P.a2), ...splat, ...set(L.A2),
    ...get(P.step), ...splat, ...set(L.ST),
    ...get(P.root), ...splat, ...set(L.RT),
    ...get(P.eps), ...splat, ...set(L.EP),
    0x02, 0x40, // block
    0x03, 0x40, // loop
    // while from < end
    ...get(P.from), ...get(P.end), 0x49 /* i32.lt_u */, 0x45 /* i32.eqz */, 0x0d, 0x01, // br_if out
    // G = g[0][i] + g[1][i] + ... (slot order)
    ...at(P.g), ...load, ...set(L.G),
    0x41, 0x01, ...set(L.s), // s = 1
    ...at(P.g), ...get(P.stride), i32add, ...set(L.q), // q = g + i + stride
    0x02, 0x40, 0x03, 0x40,
    ...get(L.s), ...get(P.slots), 0x48 /* i32.lt_s */, 0x45, 0x0d, 0x01,
    ...get(L.G), ...get(L.q), ...load, ...add, ...set(L.G),
    ...get(L.q), ...get(P.stride), i32add, ...set(L.q),
    ...get(L.s), 0x41, 0x01, i32add, ...set(L.s),
    0x0c, 0x00, // br loop
    0x0b, 0x0b, // end loop, end block
    // M = b1 * m + a1 * G
    ...get(L.B1), ...at(P.m), ...load, ...mul, ...get(L.A1), ...get(L.G), ...mul, ...add, ...set(L.M),
    // V = b2 * v + (a2 * G) * G
    ...get(L.B2), ...at(P.v), ...load, ...mul, ...get(L.A2), ...get(L.G), ...mul, ...get(L.G), ...mul, ...add, ...set(L.V),
    ...at(P.m), ...get(L.M), ...store,
    ...at(P.v), ...get(L.V), ...store,
    // w = w - (step * M) / (sqrt(V) * root + eps)
    ...at(P.w),
    ...at(P.w), ...load,
    ...get(L.ST), ...get(L.M), ...mul,
    ...get(L.V), ...sqrt, ...get(L.RT), ...mul, ...get(L.EP), ...add,
    ...div, ...sub, ...store,
    // i += 16 bytes
    ...get(P.from), 0x41, 0x10, i32add, ...set(P.from),
    0x0c, 0x00, // br loop
    0x0b, 0x0b, // end loop, end block
    0x0b, // end function
  ];
  return funcBody(
    [
      [2, I32],
      [10, V128],
    ],
    code,
  );
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const params = [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32];
  // a shared memory, any size up to 4 GiB (the caller's has its own maximum)
  return oneFunctionModule('adam', params, body(), true);
}
