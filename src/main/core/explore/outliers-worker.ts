// The outliers of a run in a worker thread (explore-worker.ts), progress by images scored.
import { computeOutliers, type Outliers, type OutliersAsk } from './outliers';
import { exploreInWorker, runExploreWorker, type ExploreWorkerSpec, type WorkerProgress } from './worker-side';

export interface OutliersSpec extends OutliersAsk, ExploreWorkerSpec {
  role: 'outliers';
}

/** The worker's side (run by the worker entry for role 'outliers'). */
export function runOutliersWorker(spec: OutliersSpec): Promise<void> {
  return runExploreWorker(spec, (model, data, progress) =>
    computeOutliers(model, data, spec, (done, total) => progress({ done, total, detail: `scored ${done} of ${total} test images` })),
  );
}

/** The caller's side: resolves with the outliers; rejects with an AbortError on cancel. */
export function outliersInWorker(
  spec: Omit<OutliersSpec, 'role'>,
  entry: string | undefined,
  signal: AbortSignal,
  progress: (p: WorkerProgress) => void,
): Promise<Outliers> {
  return exploreInWorker({ ...spec, role: 'outliers' } satisfies OutliersSpec, entry, signal, progress);
}
