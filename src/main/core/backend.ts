// Picks the TensorFlow.js backend at start, best first: tfjs-node-gpu, tfjs-node (native,
// optional: their install downloads libtensorflow and often fails), wasm (always installs),
// cpu (pure JS, last resort). Model code only imports tfjs-core; this file owns the backends.
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BackendName } from './types.js';

export interface BackendInfo {
  name: BackendName;
  /** for people: "wasm · SIMD · 1 thread" */
  detail: string;
  threads: number;
}

export type BackendPreference = 'auto' | BackendName;

const ORDER: BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

let current: BackendInfo | null = null;
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
export async function initBackend(pref: BackendPreference = 'auto'): Promise<BackendInfo> {
  if (current && (pref === 'auto' || pref === current.name)) return current;
  if (pending) {
    const info = await pending;
    if (pref === 'auto' || pref === info.name) return info;
  }
  pending = choose(pref);
  try {
    current = await pending;
    return current;
  } finally {
    pending = null;
  }
}

async function choose(pref: BackendPreference): Promise<BackendInfo> {
  const candidates = pref === 'auto' ? ORDER : [pref];
  for (const name of candidates) {
    try {
      const info = await tryBackend(name);
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

async function tryBackend(name: BackendName): Promise<BackendInfo | null> {
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
    case 'webgpu':
      // Never chosen automatically (a software adapter is slower than wasm); not bundled.
      throw new Error('webgpu is not bundled in this build');
  }
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
