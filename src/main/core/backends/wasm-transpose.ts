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
import { transposeSharedWasm, transposeWasm } from '../wasm/transpose.wasm.js';

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

/** The function (wasm/transpose.wat) over `memory` (a plain or a shared one), or null without wasm SIMD. */
export function simdTranspose(memory: WebAssembly.Memory): Run | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const mod = new WebAssembly.Module(shared ? transposeSharedWasm : transposeWasm);
    return new WebAssembly.Instance(mod, { env: { memory } }).exports['transpose'] as Run;
  } catch {
    return null;
  }
}
