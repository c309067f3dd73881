// The shared memory of data-parallel training: one leader thread (the trainer) and N-1
// gradient threads. Per step the leader writes the batch's indices and bumps the generation;
// every thread (the leader too) loads the current weights, writes the gradient of its share
// (scaled by share/batch) into its slot and counts itself done; when all are done, each
// thread takes the Adam step for its slice of the flat parameter vector (gradients summed
// over the slots in a fixed order, moments in shared memory) and counts itself updated.
// No messages per step: Atomics on shared ints, wake-ups within microseconds.
import type { ImageShape } from '../model/vae.js';
import type { TrainConfig } from '../types.js';
import type { AdamLayout } from './adam-simd.js';

/** ints of the control block */
export const CTRL = {
  /** bumped by the leader for each step; threads wait on it */
  generation: 0,
  /** threads whose gradient of the current generation is in their slot */
  done: 1,
  /** 0 = run, 1 = stop */
  command: 2,
  /** a thread that failed sets 1 and writes its message */
  failed: 3,
  /** threads that have built their model and are waiting for work */
  ready: 4,
  /** threads that have taken the Adam step of their slice (the leader too) */
  updated: 5,
  /** bumped by the leader when it writes weights outside a step (the start, a resume) */
  published: 6,
  size: 8,
} as const;

/** float64s of the step block: the step's arguments */
export const STEP = { step: 0, rows: 1, beta: 2, /** Adam's step count including this one */ t: 3, lr: 4, size: 6 } as const;

/** float64s each thread writes per step: its share's loss, recon and kl (already scaled) */
export const RESULT_SIZE = 3;

export const ERROR_BYTES = 2048;

export interface ParallelMemory {
  ctrl: SharedArrayBuffer;
  step: SharedArrayBuffer;
  /** the batch's training indices [batch] */
  indices: SharedArrayBuffer;
  /**
   * The current weights [P] (all parameters in model order), Adam's first and second moments
   * [P] each, and one gradient slot per thread [N, P] (the leader's first), in one shared wasm
   * memory, where `layout` says: Adam's SIMD loop reads and writes them there (adam-simd.ts).
   */
  params: WebAssembly.Memory;
  layout: AdamLayout;
  /** [N, RESULT_SIZE] */
  results: SharedArrayBuffer;
  error: SharedArrayBuffer;
  /** the dataset's pixels, shared rather than copied into every thread */
  pixels: SharedArrayBuffer;
}

/** What a gradient thread gets in workerData. */
export interface GradWorkerData {
  role: 'grad';
  /** this thread's share (the leader's is 0) */
  share: number;
  shares: number;
  config: TrainConfig;
  shape: ImageShape;
  numClasses: number;
  labels: Int32Array;
  memory: ParallelMemory;
}

export function allocateMemory(batch: number, params: number, threads: number, pixels: Uint8Array): ParallelMemory {
  // the pixels are shared for the gradient threads; one thread alone reads the dataset it has
  const pixelsShared = new SharedArrayBuffer(threads > 1 ? pixels.byteLength : 0);
  // 16-byte aligned arrays, one after the other
  const bytes = Math.ceil(params / 4) * 16;
  const layout: AdamLayout = { weights: 0, m: bytes, v: 2 * bytes, grads: 3 * bytes, params, slots: threads };
  const pages = Math.max(1, Math.ceil((3 * bytes + threads * params * 4) / 65536));
  if (threads > 1) new Uint8Array(pixelsShared).set(pixels);
  return {
    ctrl: new SharedArrayBuffer(CTRL.size * 4),
    step: new SharedArrayBuffer(STEP.size * 8),
    indices: new SharedArrayBuffer(batch * 4),
    params: new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }),
    layout,
    results: new SharedArrayBuffer(threads * RESULT_SIZE * 8),
    error: new SharedArrayBuffer(ERROR_BYTES),
    pixels: pixelsShared,
  };
}

export function writeError(memory: ParallelMemory, message: string): void {
  const bytes = new TextEncoder().encode(message).subarray(0, ERROR_BYTES - 4);
  const view = new DataView(memory.error);
  view.setUint32(0, bytes.length, true);
  new Uint8Array(memory.error, 4).set(bytes);
}

export function readError(memory: ParallelMemory): string {
  const n = new DataView(memory.error).getUint32(0, true);
  // TextDecoder refuses views of shared memory: copy first
  return new TextDecoder().decode(new Uint8Array(memory.error, 4, n).slice());
}

/** The part of the flat parameter vector whose Adam step thread w takes. */
export function paramSlice(params: number, shares: number, w: number): { from: number; to: number } {
  const per = Math.ceil(params / shares);
  return { from: Math.min(params, w * per), to: Math.min(params, (w + 1) * per) };
}
