// A 2-D UMAP layout of n points (umap-js), seeded so the same points and seed give the same
// layout. umapLayout computes in the calling thread (its neighbour search is one synchronous
// block of seconds for 10 000 points); umapInWorker runs it in a worker thread with progress
// and cancel, which is how the service uses it.
import { UMAP } from 'umap-js';
import { mulberry32 } from '../data/split.js';
import type { WorkerIo } from '../workers/protocol.js';
import { runInWorker } from '../workers/run.js';

export interface UmapOptions {
  seed: number;
  /** the neighbourhood size (15, at most n - 1) */
  nNeighbors?: number;
  minDist?: number;
  /** optimization epochs; umap-js picks 500 to 200 by n when absent */
  nEpochs?: number;
}

/** the neighbour search (done 0) and then each epoch of the layout */
export interface UmapProgress {
  phase: 'neighbours' | 'layout';
  done: number;
  total: number;
}

export interface UmapWorkerData {
  points: Float32Array;
  n: number;
  d: number;
  opts: UmapOptions;
}

const PROGRESS_EVERY_MS = 100;

/** points: [n, d] row-major. Returns [n, 2] row-major. */
export function umapLayout(
  points: Float32Array,
  n: number,
  d: number,
  opts: UmapOptions,
  onProgress?: (p: UmapProgress) => void,
): Float32Array {
  if (n < 3 || points.length !== n * d) throw new Error(`umap: ${points.length} values are not n >= 3 points of ${d}`);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(points.subarray(i * d, (i + 1) * d)));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(opts.nNeighbors ?? 15, n - 1),
    minDist: opts.minDist ?? 0.1,
    nEpochs: opts.nEpochs,
    // every random draw of umap-js (trees, neighbour descent, the initial layout, negative samples)
    random: mulberry32(opts.seed),
  });
  onProgress?.({ phase: 'neighbours', done: 0, total: 1 });
  const epochs = umap.initializeFit(rows);
  let sent = Date.now();
  for (let e = 0; e < epochs; e++) {
    umap.step();
    const now = Date.now();
    if (now - sent >= PROGRESS_EVERY_MS || e === epochs - 1) {
      sent = now;
      onProgress?.({ phase: 'layout', done: e + 1, total: epochs });
    }
  }
  const out = new Float32Array(n * 2);
  umap.getEmbedding().forEach((p, i) => {
    out[i * 2] = p[0]!;
    out[i * 2 + 1] = p[1]!;
  });
  return out;
}

/** Worker role 'umap': the layout, or an error that says it is UMAP's. */
export function umapWork(data: UmapWorkerData, io: WorkerIo<UmapProgress>): Float32Array {
  try {
    return umapLayout(data.points, data.n, data.d, data.opts, io.progress);
  } catch (err) {
    throw new Error(`UMAP failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** umapLayout in a worker thread. A cancel terminates the worker: nothing is kept. */
export function umapInWorker(
  points: Float32Array,
  n: number,
  d: number,
  opts: UmapOptions,
  onProgress: (p: UmapProgress) => void,
  signal?: AbortSignal,
): Promise<Float32Array> {
  return runInWorker<Float32Array, UmapProgress>('umap', { points, n, d, opts } satisfies UmapWorkerData, { signal, onProgress });
}
