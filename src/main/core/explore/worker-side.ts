// Long explore work in a worker thread (the training worker's pattern, on the same entry file),
// so the thread that serves calls stays free meanwhile: an IWAE bound with k = 5000 over the
// whole test set runs for an hour, a per-image loss over MNIST's test split for seconds. The
// worker loads the checkpoint and the dataset file itself, computes, and posts progress and one
// result; a cancel terminates it (such work has nothing to save).
import { Worker, parentPort } from 'node:worker_threads';
import { AppFailure, type ErrorCode } from '../../../shared/result';
import { initBackend } from '../backend';
import { readDatasetFile } from '../data/dataset-file';
import type { LoadedModel } from '../train';
import { defaultWorkerEntry, loadRunModel } from '../train';
import type { BackendName, Dataset } from '../types';

/** The roles of the worker entry (train/worker.ts) that run explore work. */
export type ExploreRole = 'evaluate' | 'outliers';

export interface ExploreWorkerSpec {
  role: ExploreRole;
  checkpointDir: string;
  datasetFile: string;
  /** the explore backend of the calling thread, so the numbers are the same as in-process */
  backend: BackendName;
}

export interface WorkerProgress {
  done: number;
  total: number;
  detail: string;
}

type FromWorker<T> =
  ({ type: 'progress' } & WorkerProgress) | { type: 'done'; result: T } | { type: 'error'; code: ErrorCode | null; message: string };

/** The worker's side: load, compute, post the result or the error, and end. */
export async function runExploreWorker<T>(
  spec: ExploreWorkerSpec,
  compute: (model: LoadedModel, data: Dataset, progress: (p: WorkerProgress) => void) => T,
): Promise<void> {
  const post = (m: FromWorker<T>): void => parentPort!.postMessage(m);
  try {
    await initBackend(spec.backend);
    const [model, data] = await Promise.all([loadRunModel(spec.checkpointDir), readDatasetFile(spec.datasetFile)]);
    const result = compute(model, data, (p) => post({ type: 'progress', ...p }));
    post({ type: 'done', result });
  } catch (err) {
    post({ type: 'error', code: err instanceof AppFailure ? err.code : null, message: err instanceof Error ? err.message : String(err) });
  }
  parentPort!.close();
}

/** The caller's side: resolves with the worker's result; rejects with an AbortError on cancel. */
export function exploreInWorker<T>(
  spec: ExploreWorkerSpec,
  entry: string | undefined,
  signal: AbortSignal,
  progress: (p: WorkerProgress) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry ?? defaultWorkerEntry(), { workerData: spec });
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = (): void => {
      void worker.terminate();
      const e = new Error(`${spec.role} cancelled`);
      e.name = 'AbortError';
      finish(() => reject(e));
    };
    worker.on('message', (m: FromWorker<T>) => {
      if (m.type === 'progress') progress(m);
      else if (m.type === 'done') finish(() => resolve(m.result));
      else finish(() => reject(m.code ? new AppFailure(m.code, m.message) : new Error(m.message)));
    });
    worker.on('error', (err) => finish(() => reject(new Error(`${spec.role} worker failed: ${err.message}`))));
    worker.on('exit', (code) => finish(() => reject(new Error(`${spec.role} worker exited (code ${code}) before it finished`))));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
