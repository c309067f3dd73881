// Runs: list, read, metrics, start and resume (training jobs), rename, delete.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppFailure } from '../../../../shared/contract';
import { latent2Default } from '../../../../shared/limits';
import type { Handlers } from '../../../../shared/contract';
import { normalizeModelConfig } from '../../model/config.js';
import { claimRun } from '../../store/leases';
import type { ModelConfig } from '../../types';
import * as q from '../../store/queries';
import { runInfo } from './info';
import { datasetRecord, runRecord, type Context } from '../context';
import { dropModels } from '../loaded';
import { resumeEngine, torchOnResume } from './resume-engine';
import { resumePoint } from './resume-point';
import { startTraining, type TrainingSlot } from './training';

type RunMethods = 'runs:list' | 'runs:get' | 'runs:metrics' | 'runs:start' | 'runs:resume' | 'runs:rename' | 'runs:delete';

const HVAE_WARMUP_NOTE =
  'without a KL warm-up the top level of a two-level VAE tends to stay unused (on MNIST: 126.9 vs 109.9 nats after 9 epochs); a warm-up of about 5 epochs helps';

export function runHandlers(ctx: Context, slot: TrainingSlot): Pick<Handlers, RunMethods> {
  return {
    async 'runs:list'() {
      return q.listRuns(ctx.db).map((r) => runInfo(ctx, r));
    },

    async 'runs:get'(a) {
      return runInfo(ctx, runRecord(ctx, a.runId));
    },

    async 'runs:metrics'(a) {
      runRecord(ctx, a.runId);
      return q.listMetrics(ctx.db, a.runId, a.kind);
    },

    // No await from the claim to the job's start: the slot is taken before another call runs.
    async 'runs:start'(a) {
      const d = datasetRecord(ctx, a.datasetId);
      if (d.count === 0)
        throw new AppFailure(
          'bad-input',
          `dataset "${d.name}" has no images (it came with a run bundle); import the images to train on them`,
        );
      const config = a.config;
      if (config.model === 'cvae' && d.labelNames.length < 2) {
        throw new AppFailure(
          'bad-input',
          `a conditional VAE needs labels; dataset "${d.name}" has none (put images in one subfolder per label)`,
        );
      }
      if (config.learnedPrior && config.model !== 'cvae') {
        throw new AppFailure('bad-args', 'config.learnedPrior: a learned prior p(z | label) needs a conditional VAE (model cvae)');
      }
      modelConfigCheck(config);
      if (config.model === 'hvae' && config.latent2 === undefined) config.latent2 = latent2Default(config.latent);
      if (config.model === 'dae' && !config.noise) config.noise = { kind: 'gaussian', level: 0.3 };
      const release = slot.claim();
      try {
        // the grey-level warning for a Bernoulli decoder comes from the trainer, once
        const note = config.model === 'hvae' && !config.warmup ? HVAE_WARMUP_NOTE : undefined;
        const name = a.name ?? `${config.model}-${config.latent}${config.family === 'conv' ? '-conv' : ''} · ${d.name}`;
        const runId = q.insertRun(ctx.db, { name, datasetId: d.id, config, dirFor: (id) => join('runs', String(id)) });
        ctx.emit('runs:changed', { runId });
        const lease = claimRun(ctx.db, runId, 'training');
        const torch = a.torch ? { torch: a.torch } : {};
        const jobId = startTraining(ctx, {
          runId,
          resumeFrom: null,
          backend: a.backend,
          browserTrainer: a.browserTrainer,
          ...torch,
          lease,
        });
        if (note) setImmediate(() => ctx.emit('run:warning', { runId, message: note }));
        return { jobId, runId };
      } finally {
        release();
      }
    },

    async 'runs:resume'(a) {
      const r = runRecord(ctx, a.runId);
      if (ctx.jobs.jobForRun(r.id)) throw new AppFailure('busy', `run ${r.id} is training already`);
      if (datasetRecord(ctx, r.datasetId).count === 0)
        throw new AppFailure('bad-input', `run ${r.id} came in a bundle without its images: training it further needs the dataset`);
      if ((r.status === 'done' || r.status === 'collapsed') && r.epochsDone >= r.config.epochs && a.fromEpoch === undefined)
        throw new AppFailure(
          'conflict',
          `run ${r.id} has finished all ${r.config.epochs} epochs${r.status === 'collapsed' ? '; a collapsed run is retried on safer settings as a new run' : ''}`,
        );
      const ckpt = await resumePoint(ctx, r.id, a.fromEpoch);
      const backend = resumeEngine({ named: a.backend, door: ctx.opts.backend, trainedOn: ckpt?.trainedOn });
      const release = slot.claim();
      try {
        // another process (a server, the CLI) may train this run: the lease comes before any write
        const lease = claimRun(ctx.db, r.id, 'training');
        try {
          q.truncateMetricsAfter(ctx.db, r.id, ckpt?.epoch ?? 0);
          const resumeFrom = ckpt?.path ?? null;
          const torch = torchOnResume(backend, r.backend, ctx.opts.torch, a.torch);
          const tab = a.browserTrainer ? { browserTrainer: a.browserTrainer } : {};
          return { jobId: startTraining(ctx, { runId: r.id, resumeFrom, backend, ...torch, ...tab, lease }), runId: r.id };
        } catch (err) {
          lease();
          throw err;
        }
      } finally {
        release();
      }
    },

    async 'runs:rename'(a) {
      runRecord(ctx, a.runId);
      q.renameRun(ctx.db, a.runId, a.name);
      ctx.emit('runs:changed', { runId: a.runId });
      return runInfo(ctx, runRecord(ctx, a.runId));
    },

    async 'runs:delete'(a) {
      const r = runRecord(ctx, a.runId);
      if (ctx.jobs.jobForRun(r.id)) throw new AppFailure('busy', `run ${r.id} is training; cancel it first`);
      // refused while another process trains it; the row goes in the claim's transaction
      claimRun(ctx.db, r.id, 'deleting', () => q.deleteRun(ctx.db, r.id))();
      dropModels(ctx, r.id);
      if (r.dir) await rm(join(ctx.dataDir, r.dir), { recursive: true, force: true });
      ctx.emit('runs:changed', { runId: r.id });
      return { deleted: true };
    },
  };
}

/**
 * What the schema cannot judge field by field (k without the iwae objective, a form without a
 * cvae, z3's size with two levels): the model's own check, at the door instead of in a failed run.
 */
function modelConfigCheck(config: ModelConfig): void {
  try {
    normalizeModelConfig(config);
  } catch (e) {
    throw new AppFailure('bad-args', `config.${(e as Error).message.replace(/^model config: /, '')}`);
  }
}
