// Numbers about a trained run over its test split: bounds, reconstruction error, active
// units, a CVAE's accuracy as a classifier (stored with the epoch), and the worst images; both
// as jobs in a worker thread.
import { join } from 'node:path';
import { AppFailure } from '../../../shared/result';
import type { Handlers } from '../../../shared/contract';
import { currentBackend } from '../backend';
import type { BackendName } from '../types';
import * as q from '../store/queries';
import { datasetRecord, runRecord, type Context } from './context';
import type { EvaluateSpec, OutliersSpec, WorkerProgress } from '../explore/worker-side';
import type { Outliers } from '../explore/outliers';
import type { Evaluation } from '../../../shared/records';
import { runInWorker } from '../workers/run';
import { checkpointInUse } from './loaded';

export function evaluationHandlers(ctx: Context): Pick<Handlers, 'explore:evaluate' | 'explore:outliers'> {
  return {
    async 'explore:evaluate'(a) {
      const { run, ckpt, files } = workerInputs(ctx, a.runId);
      const spec = { runId: run.id, config: run.config, iwae: a.iwae, ...(a.limit !== undefined ? { limit: a.limit } : {}), ...files };
      // a job in a worker: listed, cancelled by jobs:cancel, and the serving thread stays free
      const result = await ctx.jobs.run(
        'explore',
        `Evaluating ${run.name}${a.iwae > 1 ? ` (IWAE, k = ${a.iwae})` : ''}`,
        {},
        ({ signal, progress }) =>
          runInWorker<Evaluation, WorkerProgress>('evaluate', spec satisfies EvaluateSpec, { signal, onProgress: progress }),
        (r) => `evaluated ${r.images} test images: ELBO ${r.elbo.toFixed(2)} nats`,
      );
      q.insertEvaluation(ctx.db, { ...result, epoch: ckpt.epoch });
      return { ...result, epoch: ckpt.epoch };
    },

    async 'explore:outliers'(a) {
      const { run, files } = workerInputs(ctx, a.runId);
      const spec = { config: run.config, limit: a.limit, ...files };
      // every test image through the model: seconds on MNIST, so a job in a worker like evaluate
      return ctx.jobs.run(
        'explore',
        `Finding the outliers of ${run.name}`,
        {},
        ({ signal, progress }) =>
          runInWorker<Outliers, WorkerProgress>('outliers', spec satisfies OutliersSpec, { signal, onProgress: progress }),
        (r) => `the ${r.indices.length} worst-explained test images, worst ${r.scores[0]?.toFixed(1) ?? '-'} nats`,
      );
    },
  };
}

/** What an explore worker loads for a run: its checkpoint in use (checkpointInUse), its dataset file, and this thread's explore backend. */
function workerInputs(ctx: Context, runId: number) {
  const run = runRecord(ctx, runId);
  const ckpt = checkpointInUse(ctx, run);
  if (!ckpt) throw new AppFailure('not-found', `run ${runId} has no checkpoint yet; it gets one at the end of its first epoch`);
  const d = datasetRecord(ctx, run.datasetId);
  const files = {
    checkpointDir: join(ctx.dataDir, ckpt.path),
    datasetFile: join(ctx.dataDir, d.file),
    // the numbers must be those this thread would compute
    backend: (currentBackend()?.name ?? 'cpu') as BackendName,
  };
  return { run, ckpt, files };
}
