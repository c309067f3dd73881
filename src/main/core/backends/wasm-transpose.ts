// A 2-D transpose kernel for the wasm backend, in 128-bit SIMD: 4x4 blocks, four loads, eight
// shuffles, four stores. tfjs-backend-wasm's own Transpose moves one element at a time at
// about 2 ns each: 0.8 ms for a [64, 3136] activation, 5.3 ms for the 28x28 conv VAE's
// [3136, 256] dense weight, ~5 ms of a 64-image conv step in all. Every transpose our layers
// ask for is a 2-D one once unit axes are dropped and axes that stay neighbours are merged
// (a [64, 14, 14, 32] with perm [3, 0, 1, 2] is [12544, 32] -> [32, 12544]); others, and
// dtypes other than 4-byte ones, go to the stock kernel.
//
// The module imports the backend's own WebAssembly.Memory, so it reads and writes the
// tensors where they lie; the JS here does only the edge rows and columns past a multiple
// of 4, through Int32Array views (bit-exact, NaN payloads included).
import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './wasm-override.js';
import { funcBody, get, I32, i32add, i32sub, load, oneFunctionModule, set, simd, store, V128 } from '../wasm/assemble.js';

interface WasmBackend {
  wasm: { asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

type Run = (...args: number[]) => void;

let simdCalls = 0;

/** How many transposes the SIMD function has done in this process (the rest went to the stock kernel). */
export function simdTransposeCalls(): number {
  return simdCalls;
}

/** Replaces wasm's Transpose with the SIMD one for 2-D transposes. */
export function fastTransposeOnWasm(): void {
  // the SIMD function, made over the memory of the backend that calls (a backend made anew
  // has a memory of its own)
  let made: { memory: WebAssembly.Memory; run: Run | null } | null = null;
  overrideWasmKernel('Transpose', (stock) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const perm = (args.attrs as { perm: number[] }).perm;
    const backend = args.backend as unknown as WasmBackend;
    const plane = x.dtype === 'float32' || x.dtype === 'int32' ? asTwoD(x.shape, perm) : null;
    const memory = backend.wasm.asm?.memory;
    if (!plane || !(memory instanceof WebAssembly.Memory)) return stock(args);
    if (made?.memory !== memory) made = { memory, run: simdTranspose(memory) };
    const run = made.run;
    if (!run) return stock(args);
    simdCalls++;
    const out = backend.makeOutput(
      perm.map((p) => x.shape[p]!),
      x.dtype,
    );
    transpose2d(
      run,
      memory,
      backend.dataIdMap.get(x.dataId).memoryOffset,
      backend.dataIdMap.get(out.dataId).memoryOffset,
      plane[0],
      plane[1],
    );
    return out;
  });
}

/**
 * [rows, cols] when transposing `shape` by `perm` is a 2-D transpose of a [rows, cols] matrix
 * (after dropping unit axes and merging neighbours), else null.
 */
export function asTwoD(shape: number[], perm: number[]): [number, number] | null {
  const kept = perm.filter((p) => shape[p] !== 1);
  if (kept.length < 2) return null;
  // runs of consecutive input axes in output order
  const runs: number[][] = [];
  for (const p of kept) {
    const last = runs[runs.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev !== undefined && nextKept(shape, prev) === p) last.push(p);
    else runs.push([p]);
  }
  if (runs.length !== 2) return null;
  const [a, b] = runs as [number[], number[]];
  // the output's first run must be the input's second: b then a in input order
  if (b[0]! > a[0]!) return null;
  const size = (r: number[]) => r.reduce((n, p) => n * shape[p]!, 1);
  return [size(b), size(a)];
}

/** the next input axis after `p` that is not a unit one */
function nextKept(shape: number[], p: number): number {
  let q = p + 1;
  while (q < shape.length && shape[q] === 1) q++;
  return q;
}

const TILE_ROWS = 256;
const TILE_COLS = 16;

/** out[c, r] = x[r, c] for a [rows, cols] matrix at byte `src` into `dst` (4-byte elements). */
export function transpose2d(run: Run, memory: WebAssembly.Memory, src: number, dst: number, rows: number, cols: number): void {
  const rows4 = rows - (rows % 4);
  const cols4 = cols - (cols % 4);
  const rowB = cols * 4;
  const colB = rows * 4;
  // tiles of 256 rows x 16 columns: the 16 output rows being written stay in cache (one strip
  // over all 3136 columns of a [256, 3136] took 1.4 ms, tiled 0.3)
  for (let r = 0; r < rows4; r += TILE_ROWS) {
    const h = Math.min(TILE_ROWS, rows4 - r);
    for (let c = 0; c < cols4; c += TILE_COLS) {
      const w = Math.min(TILE_COLS, cols4 - c);
      run(
        src + r * rowB + c * 4,
        dst + c * colB + r * 4,
        rowB,
        2 * rowB,
        3 * rowB,
        4 * rowB,
        colB,
        2 * colB,
        3 * colB,
        4 * colB,
        h / 4,
        w / 4,
      );
    }
  }
  if (rows4 === rows && cols4 === cols) return;
  const x = new Int32Array(memory.buffer, src, rows * cols);
  const y = new Int32Array(memory.buffer, dst, rows * cols);
  // the columns past cols4 for every row, then the rows past rows4 for the rest
  for (let r = 0; r < rows; r++) for (let c = cols4; c < cols; c++) y[c * rows + r] = x[r * cols + c]!;
  for (let r = rows4; r < rows; r++) for (let c = 0; c < cols4; c++) y[c * rows + r] = x[r * cols + c]!;
}

/** The assembled function over `memory` (a plain or a shared one), or null without wasm SIMD. */
export function simdTranspose(memory: WebAssembly.Memory): Run | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const mod = new WebAssembly.Module(moduleBytes(shared));
    return new WebAssembly.Instance(mod, { env: { memory } }).exports['transpose'] as Run;
  } catch {
    return null;
  }
}

// ---- the module: (func (export "transpose") (params i32 x 12)) over env.memory ----

// parameters (bytes but the last two): src, dst, a row of x and 2, 3, 4 of them, a row of
// the output and 2, 3, 4 of them, then the 4-row strips and the 4-column blocks per strip
const P = { src: 0, dst: 1, r1: 2, r2: 3, r3: 4, r4: 5, c1: 6, c2: 7, c3: 8, c4: 9, strips: 10, blocks: 11 };
// locals: i32 s, d, k; v128 v0-v3, t0-t3
const L = { s: 12, d: 13, k: 14, v0: 15, v1: 16, v2: 17, v3: 18, t0: 19, t1: 20, t2: 21, t3: 22 };

/** i8x16.shuffle picking float lanes (0-3 of the first operand, 4-7 of the second) */
function shuffle(lanes: [number, number, number, number]): number[] {
  return [...simd(0x0d), ...lanes.flatMap((f) => [4 * f, 4 * f + 1, 4 * f + 2, 4 * f + 3])];
}

const plus = (a: number, b: number) => [...get(a), ...get(b), i32add];

function body(): number[] {
  const lo = shuffle([0, 4, 1, 5]);
  const hi = shuffle([2, 6, 3, 7]);
  const first = shuffle([0, 1, 4, 5]);
  const second = shuffle([2, 3, 6, 7]);
  // prettier-ignore
  const code: number[] = [
    0x02, 0x40, 0x03, 0x40, // block, loop: the strips
    ...get(P.strips), 0x45 /* i32.eqz */, 0x0d, 0x01, // br_if out
    ...get(P.src), ...set(L.s),
    ...get(P.dst), ...set(L.d),
    ...get(P.blocks), ...set(L.k),
    0x02, 0x40, 0x03, 0x40, // block, loop: the blocks of a strip
    ...get(L.k), 0x45, 0x0d, 0x01,
    // four rows of four
    ...get(L.s), ...load, ...set(L.v0),
    ...plus(L.s, P.r1), ...load, ...set(L.v1),
    ...plus(L.s, P.r2), ...load, ...set(L.v2),
    ...plus(L.s, P.r3), ...load, ...set(L.v3),
    // a0 b0 a1 b1 | a2 b2 a3 b3 | c0 d0 c1 d1 | c2 d2 c3 d3
    ...get(L.v0), ...get(L.v1), ...lo, ...set(L.t0),
    ...get(L.v0), ...get(L.v1), ...hi, ...set(L.t1),
    ...get(L.v2), ...get(L.v3), ...lo, ...set(L.t2),
    ...get(L.v2), ...get(L.v3), ...hi, ...set(L.t3),
    // the four columns: a0 b0 c0 d0, a1 b1 c1 d1, ...
    ...get(L.d), ...get(L.t0), ...get(L.t2), ...first, ...store,
    ...plus(L.d, P.c1), ...get(L.t0), ...get(L.t2), ...second, ...store,
    ...plus(L.d, P.c2), ...get(L.t1), ...get(L.t3), ...first, ...store,
    ...plus(L.d, P.c3), ...get(L.t1), ...get(L.t3), ...second, ...store,
    // next four columns: 16 bytes on in x, four output rows on
    ...get(L.s), 0x41, 0x10, i32add, ...set(L.s),
    ...plus(L.d, P.c4), ...set(L.d),
    ...get(L.k), 0x41, 0x01, i32sub, ...set(L.k),
    0x0c, 0x00, 0x0b, 0x0b, // br loop, end, end
    // next strip: four rows on in x, four columns (16 bytes) on in the output
    ...plus(P.src, P.r4), ...set(P.src),
    ...get(P.dst), 0x41, 0x10, i32add, ...set(P.dst),
    ...get(P.strips), 0x41, 0x01, i32sub, ...set(P.strips),
    0x0c, 0x00, 0x0b, 0x0b,
    0x0b, // end function
  ];
  return funcBody(
    [
      [3, I32],
      [8, V128],
    ],
    code,
  );
}

function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  return oneFunctionModule('transpose', new Array<number>(12).fill(I32), body(), shared);
}
