// Long explore work in a worker thread (roles 'evaluate' and 'outliers'), so the thread that
// serves calls stays free meanwhile: an IWAE bound with k = 5000 over the whole test set runs
// for an hour, a per-image loss over MNIST's test split for seconds. The worker loads the
// checkpoint and the dataset file itself, computes, and reports progress and one result; a
// cancel terminates it (such work has nothing to save).
import type { Evaluation } from '../../../shared/records';
import { initBackend } from '../backend';
import { readDatasetFile } from '../data/dataset-file';
import type { LoadedModel } from '../train';
import { loadRunModel } from '../train';
import type { BackendName, Dataset } from '../types';
import type { WorkerIo } from '../workers/protocol';
import { computeEvaluation, EVALUATION_STEPS, type EvaluationAsk } from './evaluation';
import { computeOutliers, type Outliers, type OutliersAsk } from './outliers';

export interface ExploreWorkerSpec {
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

export type EvaluateSpec = EvaluationAsk & ExploreWorkerSpec;
export type OutliersSpec = OutliersAsk & ExploreWorkerSpec;

async function load(spec: ExploreWorkerSpec): Promise<[LoadedModel, Dataset]> {
  await initBackend(spec.backend);
  return Promise.all([loadRunModel(spec.checkpointDir), readDatasetFile(spec.datasetFile)]);
}

/** Worker role 'evaluate': the bounds of a run over its test split, progress by phase. */
export async function evaluateWork(spec: EvaluateSpec, io: WorkerIo<WorkerProgress>): Promise<Evaluation> {
  const [model, data] = await load(spec);
  return computeEvaluation(model, data, spec, (done, detail) => io.progress({ done, total: EVALUATION_STEPS, detail }));
}

/** Worker role 'outliers': the worst-explained test images, progress by images scored. */
export async function outliersWork(spec: OutliersSpec, io: WorkerIo<WorkerProgress>): Promise<Outliers> {
  const [model, data] = await load(spec);
  return computeOutliers(model, data, spec, (done, total) =>
    io.progress({ done, total, detail: `scored ${done} of ${total} test images` }),
  );
}
