// Worker-thread entry: trains the spec in workerData and posts every event back. Kept
// self-contained (reads workerData, calls trainInProcess, posts) so the Electron build can
// bundle it as its own entry and pass that file as TrainJobSpec.workerEntry.
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../train/background-priority.js';
import type { GradWorkerData } from '../train/parallel-protocol.js';
import type { TrainJobSpec } from '../train/types.js';
import type { EvaluateSpec } from '../explore/evaluate-worker.js';
import type { OutliersSpec } from '../explore/outliers-worker.js';
import type { GridThreadData } from '../handlers/grids/thread-protocol.js';

export type WorkerToParent =
  | { type: 'event'; event: import('../train/types.js').TrainEvent }
  | { type: 'done'; result: import('../train/types.js').TrainOutcome }
  | { type: 'error'; message: string; stack?: string };

export type ParentToWorker = { type: 'cancel' };

// The same entry serves the data-parallel gradient threads a training worker starts, so the
// Electron build needs no second bundle and a thread always runs the trainer's own code; and
// the scatter's UMAP layouts (explore/umap.ts), loaded only for that role.
const role = (workerData as { role?: string } | null)?.role;
// every role but the grids is background work: the thread that answers calls must win a busy
// core; the grid thread answers calls itself (handlers/grid-thread.ts). Lowered before any
// role's code is loaded (every one is a dynamic import below): loading and compiling it is a
// second of CPU that would otherwise compete with the app at normal priority.
if (parentPort && role !== 'grids') lowerThisThreadPriority();
if (parentPort && role === 'grad') {
  void import('../train/grad-worker.js').then((m) => m.runGradWorker(workerData as GradWorkerData));
} else if (parentPort && role === 'grids') {
  void import('../handlers/grids/thread-worker.js').then((m) => m.runGridThread(workerData as GridThreadData));
} else if (parentPort && role === 'evaluate') {
  // long explore work (an evaluation, the outliers) off the thread that serves calls, from the same bundle
  void import('../explore/evaluate-worker.js').then((m) => m.runEvaluateWorker(workerData as EvaluateSpec));
} else if (parentPort && role === 'outliers') {
  void import('../explore/outliers-worker.js').then((m) => m.runOutliersWorker(workerData as OutliersSpec));
} else if (parentPort && role === 'umap') {
  const port = parentPort;
  void import('../explore/umap.js').then(({ runUmapWorker }) => {
    runUmapWorker(workerData as import('../explore/umap.js').UmapWorkerData, (m) => port.postMessage(m));
    port.close();
  });
} else if (parentPort) {
  const port = parentPort;
  const controller = new AbortController();
  port.on('message', (m: ParentToWorker) => {
    if (m?.type === 'cancel') controller.abort();
  });
  const post = (m: WorkerToParent) => port.postMessage(m);
  import('../train/trainer.js')
    .then(({ trainInProcess }) => trainInProcess(workerData as TrainJobSpec, (event) => post({ type: 'event', event }), controller.signal))
    .then(
      (result) => {
        post({ type: 'done', result });
        port.close();
      },
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        post({ type: 'error', message: e.message, stack: e.stack });
        port.close();
      },
    );
}
