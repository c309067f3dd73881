// How many data-parallel wasm threads a run gets when it does not say: one per core the
// machine offers, at most 8 (each thread is a wasm engine with its own heap, ~100+ MB), and
// no more than leave each thread 16 images of a batch (below that a step's fixed costs,
// weight packing and Adam, dominate). The trainer and the badge both ask here.
import { availableParallelism } from 'node:os';

const DEFAULT_MAX_THREADS = 8;
const MIN_SHARE_ROWS = 16;

export function defaultTrainingThreads(batch = 128): number {
  return Math.max(1, Math.min(availableParallelism(), DEFAULT_MAX_THREADS, Math.floor(batch / MIN_SHARE_ROWS)));
}
