// Picks the TensorFlow.js backend at start, best first: tfjs-node-gpu, webgpu on a hardware
// adapter (training only), tfjs-node (native, optional: their install downloads libtensorflow
// and often fails), wasm (always installs), cpu (pure JS, last resort). Model code only
// imports tfjs-core; this file owns the backends.
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { adapterLabel, startWebgpu, stopWebgpu, type GpuAdapterDescription } from './backends/webgpu.js';
import { shareIdentityOnWasm } from './backends/wasm-identity.js';
import { fastTransposeOnWasm } from './backends/wasm-transpose.js';
import type { BackendName, EngineName } from './types.js';

export interface BackendInfo {
  name: BackendName;
  /** for people: "wasm · SIMD · 1 thread" */
  detail: string;
  threads: number;
  /** webgpu: the adapter it runs on */
  adapter?: GpuAdapterDescription;
}

export type BackendPreference = 'auto' | BackendName;
/** What a person may ask to train on: a backend, or an engine of its own (engines/). */
export type EnginePreference = 'auto' | EngineName;

/** The tfjs backend explore code asks for when the person named a training engine. */
export function explorePreference(pref: EnginePreference): BackendPreference {
  return pref === 'webgpu-chromium' || pref === 'webgpu-browser' || pref === 'torch' ? 'auto' : pref;
}

/**
 * 'train' may use webgpu (a hardware adapter only, unless asked for by name). 'explore' never
 * does: explore code reads tensors synchronously (dataSync), which WebGPU cannot do in Node,
 * and its small batches gain nothing from a GPU round trip.
 */
export type BackendPurpose = 'train' | 'explore';

const ORDER: Record<BackendPurpose, BackendName[]> = {
  train: ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'],
  explore: ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'],
};

let current: BackendInfo | null = null;
/** webgpu was current in this thread since the last release (its device keeps the thread alive) */
let webgpuStarted = false;
let pending: Promise<BackendInfo> | null = null;
/** why each backend that was tried did not load (for the error message and the UI) */
const failures = new Map<BackendName, string>();

/** The backend chosen by the last successful initBackend, or null. */
export function currentBackend(): BackendInfo | null {
  return current;
}

/**
 * Loads the preferred backend (or the best one that loads for 'auto') and makes it current.
 * Idempotent: a second call with the same preference (or 'auto') returns the same backend.
 */
export async function initBackend(pref: BackendPreference = 'auto', purpose: BackendPurpose = 'explore'): Promise<BackendInfo> {
  const wanted: BackendPreference = purpose === 'explore' && pref === 'webgpu' ? 'auto' : pref;
  // a training's webgpu is no backend for explore code, even in the same thread (the bench's
  // sweep timing after a webgpu row read a tensor synchronously and crashed)
  const fits = (info: BackendInfo) => (wanted === 'auto' || wanted === info.name) && !(purpose === 'explore' && info.name === 'webgpu');
  if (current && fits(current)) return current;
  if (pending) {
    const info = await pending;
    if (fits(info)) return info;
  }
  pending = choose(wanted, purpose);
  try {
    current = await pending;
    if (current.name === 'webgpu') webgpuStarted = true;
    return current;
  } finally {
    pending = null;
  }
}

/**
 * Lets go of what the current backend holds outside the JS heap that would keep the thread
 * alive (Dawn's device); the next initBackend starts afresh.
 */
export function releaseBackend(): void {
  // webgpu may have been current before explore code switched this thread to another one
  if (current?.name === 'webgpu' || webgpuStarted) stopWebgpu();
  webgpuStarted = false;
  current = null;
}

/** Why each backend that was tried and did not load failed (for "how to get faster"). */
export function backendFailures(): ReadonlyMap<BackendName, string> {
  return failures;
}

async function choose(pref: BackendPreference, purpose: BackendPurpose): Promise<BackendInfo> {
  const candidates = pref === 'auto' ? ORDER[purpose] : [pref];
  for (const name of candidates) {
    try {
      const info = await tryBackend(name, pref === name);
      if (info) return info;
    } catch (err) {
      const code = (err as { code?: string }).code;
      const why =
        code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
          ? 'not installed'
          : err instanceof Error
            ? err.message.split('\n')[0]!
            : String(err);
      failures.set(name, why);
    }
  }
  const why = candidates.map((n) => `${n}: ${failures.get(n) ?? 'not available'}`).join('; ');
  throw new Error(`no TensorFlow.js backend could be loaded (${why})`);
}

async function tryBackend(name: BackendName, named: boolean): Promise<BackendInfo | null> {
  switch (name) {
    case 'tfjs-node-gpu':
    case 'tfjs-node': {
      // The native packages register 'tensorflow' on their own copy of tfjs-core when the
      // versions match; a failed native load throws here and we fall through.
      const mod = name === 'tfjs-node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      await import(/* @vite-ignore */ mod);
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`${mod} loaded but the tensorflow backend did not start`);
      await tf.ready();
      return { name, detail: name === 'tfjs-node-gpu' ? 'tfjs-node-gpu · CUDA' : 'tfjs-node · native CPU', threads: 0 };
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (!wasmPathsSet) {
        // Resolve the .wasm files from the package itself so this works when bundled too.
        const require = createRequire(import.meta.url);
        const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
        wasm.setWasmPaths(dir + '/');
        wasmPathsSet = true;
      }
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
      await tf.ready();
      shareIdentityOnWasm();
      fastTransposeOnWasm();
      const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
      const threads = wasmThreads();
      const detail = `wasm · ${simd ? 'SIMD' : 'no SIMD'} · ${threads} thread${threads === 1 ? '' : 's'}`;
      return { name, detail, threads };
    }
    case 'cpu': {
      await import('@tensorflow/tfjs-backend-cpu');
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not start');
      await tf.ready();
      return { name, detail: 'cpu · pure JavaScript (slow)', threads: 1 };
    }
    case 'webgpu': {
      // a software adapter (llvmpipe, SwiftShader, WARP) only when asked for by name
      const adapter = await startWebgpu(named);
      return { name, detail: adapterLabel(adapter), threads: 0, adapter };
    }
  }
}

/** "wasm · SIMD · 2 threads": the backend's line with the data-parallel thread count. */
export function withThreads(info: BackendInfo, threads: number): string {
  return info.detail.replace(/\d+ threads?$/, `${threads} thread${threads === 1 ? '' : 's'}`);
}

let wasmPathsSet = false;

function wasmThreads(): number {
  try {
    const backend = tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } };
    const n = backend.wasm?.tfjs?.getThreadsCount?.();
    return typeof n === 'number' && n > 0 ? n : 1;
  } catch {
    return 1;
  }
}
