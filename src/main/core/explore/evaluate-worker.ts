// An evaluation in a worker thread (explore-worker.ts), progress by phase.
import type { Evaluation } from '../../../shared/records';
import { computeEvaluation, EVALUATION_STEPS, type EvaluationAsk } from './evaluation';
import { exploreInWorker, runExploreWorker, type ExploreWorkerSpec, type WorkerProgress } from './worker-side';

export interface EvaluateSpec extends EvaluationAsk, ExploreWorkerSpec {
  role: 'evaluate';
}

/** The worker's side (run by the worker entry for role 'evaluate'). */
export function runEvaluateWorker(spec: EvaluateSpec): Promise<void> {
  return runExploreWorker(spec, (model, data, progress) =>
    computeEvaluation(model, data, spec, (done, detail) => progress({ done, total: EVALUATION_STEPS, detail })),
  );
}

/** The caller's side: resolves with the evaluation; rejects with an AbortError on cancel. */
export function evaluateInWorker(
  spec: Omit<EvaluateSpec, 'role'>,
  entry: string | undefined,
  signal: AbortSignal,
  progress: (p: WorkerProgress) => void,
): Promise<Evaluation> {
  return exploreInWorker({ ...spec, role: 'evaluate' } satisfies EvaluateSpec, entry, signal, progress);
}
