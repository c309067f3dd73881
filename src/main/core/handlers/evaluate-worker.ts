// An evaluation in a worker thread (the training worker's pattern, on the same entry file), so
// the thread that serves calls stays free meanwhile: an IWAE bound with k = 5000 over the whole
// test set runs for an hour. Progress by phase; a cancel terminates the worker (an evaluation
// has nothing to save).
import { Worker, parentPort } from 'node:worker_threads';
import { AppFailure, type ErrorCode } from '../../../shared/result';
import type { Evaluation } from '../../../shared/records';
import { initBackend } from '../backend';
import { readDatasetFile } from '../data/dataset-file';
import { defaultWorkerEntry, loadRunModel } from '../train';
import type { BackendName } from '../types';
import { computeEvaluation, EVALUATION_STEPS, type EvaluationAsk } from './evaluation-work';

export interface EvaluateSpec extends EvaluationAsk {
  role: 'evaluate';
  checkpointDir: string;
  datasetFile: string;
  /** the explore backend of the calling thread, so the numbers are the same as in-process */
  backend: BackendName;
}

type FromWorker =
  | { type: 'progress'; done: number; total: number; detail: string }
  | { type: 'done'; result: Evaluation }
  | { type: 'error'; code: ErrorCode | null; message: string };

/** The worker's side: compute and post the result (run by the worker entry for role 'evaluate'). */
export async function runEvaluateWorker(spec: EvaluateSpec): Promise<void> {
  const post = (m: FromWorker): void => parentPort!.postMessage(m);
  try {
    await initBackend(spec.backend);
    const [model, data] = await Promise.all([loadRunModel(spec.checkpointDir), readDatasetFile(spec.datasetFile)]);
    const result = computeEvaluation(model, data, spec, (done, detail) =>
      post({ type: 'progress', done, total: EVALUATION_STEPS, detail }),
    );
    post({ type: 'done', result });
  } catch (err) {
    post({ type: 'error', code: err instanceof AppFailure ? err.code : null, message: err instanceof Error ? err.message : String(err) });
  }
  parentPort!.close();
}

/** The caller's side: resolves with the evaluation; rejects with an AbortError on cancel. */
export function evaluateInWorker(
  spec: Omit<EvaluateSpec, 'role'>,
  entry: string | undefined,
  signal: AbortSignal,
  progress: (p: { done: number; total: number; detail: string }) => void,
): Promise<Evaluation> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry ?? defaultWorkerEntry(), { workerData: { ...spec, role: 'evaluate' } satisfies EvaluateSpec });
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = (): void => {
      void worker.terminate();
      const e = new Error('evaluation cancelled');
      e.name = 'AbortError';
      finish(() => reject(e));
    };
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'progress') progress(m);
      else if (m.type === 'done') finish(() => resolve(m.result));
      else finish(() => reject(m.code ? new AppFailure(m.code, m.message) : new Error(m.message)));
    });
    worker.on('error', (err) => finish(() => reject(new Error(`evaluation worker failed: ${err.message}`))));
    worker.on('exit', (code) => finish(() => reject(new Error(`evaluation worker exited (code ${code}) before it finished`))));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
