// Runs trainInProcess in a worker thread so the calling thread (Electron main, the server)
// stays free. Cancel posts a message the worker checks between steps; a worker that has
// not ended 3 s later is terminated.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { TrainEvent, TrainJobSpec, TrainOutcome } from '../train/types.js';
import type { ParentToWorker, WorkerToParent } from './entry.js';

const TERMINATE_AFTER_MS = 3000;

/** The dev/test bootstrap (tsx) next to this file. */
export function defaultWorkerEntry(): string {
  return fileURLToPath(new URL('./bootstrap.mjs', import.meta.url));
}

export function runTrainingInWorker(spec: TrainJobSpec, onEvent: (e: TrainEvent) => void, signal?: AbortSignal): Promise<TrainOutcome> {
  return new Promise<TrainOutcome>((resolve, reject) => {
    const { workerEntry, ...data } = spec;
    const entry = workerEntry ?? defaultWorkerEntry();
    let settled = false;
    let epochsDone = -1;
    let killTimer: NodeJS.Timeout | null = null;
    // the worker starts its data-parallel threads from the same entry
    const worker = new Worker(entry, { workerData: { ...data, workerEntry: entry } });

    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = () => {
      worker.postMessage({ type: 'cancel' } satisfies ParentToWorker);
      killTimer = setTimeout(() => {
        void worker.terminate();
        finish(() => resolve({ status: 'cancelled', epochsDone: Math.max(0, epochsDone) }));
      }, TERMINATE_AFTER_MS);
    };

    worker.on('message', (m: WorkerToParent) => {
      if (m.type === 'event') {
        if (m.event.type === 'started') epochsDone = m.event.startEpoch;
        if (m.event.type === 'epoch') epochsDone = m.event.result.epoch;
        if (!settled) onEvent(m.event);
      } else if (m.type === 'done') {
        finish(() => resolve(m.result));
      } else if (m.type === 'error') {
        finish(() => reject(new Error(m.message)));
      }
    });
    worker.on('error', (err) => finish(() => reject(new Error(`training worker failed: ${err.message}`))));
    worker.on('exit', (code) => {
      finish(() => {
        if (signal?.aborted) resolve({ status: 'cancelled', epochsDone: Math.max(0, epochsDone) });
        else reject(new Error(`training worker exited (code ${code}) before it finished`));
      });
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
