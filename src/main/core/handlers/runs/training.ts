// Training as a job: one at a time (claimed in one synchronous step, so two starts sent
// together cannot both pass the check), the worker's events written to the database and
// forwarded, and a database error while writing them ending the run `failed` instead of
// escaping the worker's message listener and killing the process.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AppFailure, type ArgsOut, type JobProgress, type MetricRow } from '../../../../shared/contract';
import type { JobRunner } from '../../jobs';
import * as q from '../../store/queries';
import { killPoint } from '../../kill-point';
import { pruneCheckpoints, runTrainingInWorker, type TrainEvent } from '../../train';
import { collapseVerdict } from '../../train/collapse';
import type { TrainConfig } from '../../types';
import { datasetRecord, runRecord, type Context } from '../context';
import { releaseEnding, reserveEnding, writeEnding } from './ending';

/** The one training slot. A job holds it while it runs; a claim covers the start before that. */
export class TrainingSlot {
  private starting = false;

  constructor(private jobs: JobRunner) {}

  /** Checks and takes the slot at once; call the returned release when the job is started (or the start failed). */
  claim(): () => void {
    const busy = this.jobs.running('train')[0];
    if (busy) throw new AppFailure('busy', `run ${busy.runId} is training; cancel it or wait until it ends (training runs one at a time)`);
    if (this.starting) throw new AppFailure('busy', 'another run is starting; training runs one at a time');
    this.starting = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.starting = false;
    };
  }
}

export interface TrainingStart {
  runId: number;
  /** the checkpoint the database records (relative to the data folder), or null for a fresh start */
  resumeFrom: string | null;
  backend: ArgsOut<'runs:start'>['backend'];
  /** backend torch: the caller's device and processes (over the door's --device, --processes) */
  torch?: ArgsOut<'runs:start'>['torch'];
  /** backend webgpu-browser: the trainer the asking tab opened */
  browserTrainer?: string;
  /** the run's claim (store/leases.ts): released when the job ends, or here if it cannot start */
  lease: () => void;
}

export function startTraining(ctx: Context, start: TrainingStart): string {
  try {
    return startJob(ctx, start);
  } catch (err) {
    start.lease();
    throw err;
  }
}

function startJob(ctx: Context, { runId, resumeFrom, backend, torch, browserTrainer, lease }: TrainingStart): string {
  const r = runRecord(ctx, runId);
  const d = datasetRecord(ctx, r.datasetId);
  const runDir = join(ctx.dataDir, r.dir);
  mkdirSync(runDir, { recursive: true });
  reserveEnding(runDir);
  q.markRunQueued(ctx.db, runId);
  const pref = backend === 'auto' ? (ctx.opts.backend ?? 'auto') : backend;
  const torchOptions = { ...ctx.opts.torch, ...torch };
  return ctx.jobs.start('train', `Training ${r.name}`, { runId }, async ({ signal, progress }) => {
    // the worker stops on the user's cancel or on a write that failed
    const stop = new AbortController();
    const onCancel = (): void => stop.abort();
    signal.addEventListener('abort', onCancel, { once: true });
    let writeFailure: Error | null = null;
    // removing what the database let go, in order, once each commit is done; the job ends after the last
    let pruned = Promise.resolve();
    const afterCommit = (epoch: number): void => {
      pruned = pruned.then(() => pruneCheckpoints(runDir, q.checkpointPaths(ctx.db, runId), epoch)).catch(() => undefined);
    };
    const record = recorder(ctx, r, progress, afterCommit);
    // the last epoch's code use, which the run's ending is judged on
    let lastEpoch: Parameters<typeof collapseVerdict>[0] = null;
    const onEvent = (e: TrainEvent): void => {
      if (e.type === 'epoch') lastEpoch = e.result;
      if (writeFailure) return;
      try {
        record(e);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        writeFailure = new Error(`training stopped: the database refused a write (${reason}); the last checkpoint is kept`);
        stop.abort();
      }
    };
    try {
      // what a crash left (a checkpoint written but never committed, a half-written one) goes first
      await pruneCheckpoints(runDir, q.checkpointPaths(ctx.db, runId));
      const outcome = await runTrainingInWorker(
        {
          config: r.config as TrainConfig,
          datasetFile: join(ctx.dataDir, d.file),
          runDir,
          resume: resumeFrom !== null,
          ...(resumeFrom !== null ? { resumeFrom: join(ctx.dataDir, resumeFrom) } : {}),
          callerPrunes: true,
          backend: pref,
          ...(browserTrainer ? { browserTrainer } : {}),
          ...(pref === 'torch' ? { torch: torchOptions } : {}),
        },
        onEvent,
        stop.signal,
      );
      await pruned;
      if (writeFailure) throw writeFailure;
      const collapse = outcome.status === 'done' ? collapseVerdict(lastEpoch) : null;
      const status = outcome.status === 'done' ? (collapse?.status ?? 'done') : outcome.status;
      q.setRunStatus(ctx.db, runId, status, status === 'interrupted' ? TAB_CLOSED : (collapse?.reason ?? null));
      releaseEnding(runDir);
      ctx.emit('runs:changed', { runId });
      const rr = runRecord(ctx, runId);
      const epochs = `${rr.epochsDone} epoch${rr.epochsDone === 1 ? '' : 's'}`;
      return {
        message:
          status === 'cancelled' || status === 'interrupted'
            ? `${status === 'cancelled' ? 'cancelled' : TAB_CLOSED} after ${epochs}; resume continues from the last checkpoint`
            : status === 'collapsed'
              ? `collapsed after ${epochs}: ${collapse!.reason}`
              : `trained ${epochs}; held-out loss ${rr.lastHeldOut?.toFixed(2)} nats`,
      };
    } catch (err) {
      const cancelled = signal.aborted && !writeFailure;
      const said = cancelled ? null : err instanceof Error ? err.message : String(err);
      // a GPU engine that failed is never swapped silently: the run ends failed, and says how to go on
      const reason = said && onGpu(pref) ? `${said}; resume continues from the last checkpoint on wasm (--backend wasm)` : said;
      writeEnding(ctx, runId, runDir, { status: cancelled ? 'cancelled' : 'failed', reason });
      throw reason && reason !== said && !(err instanceof AppFailure) ? new Error(reason) : err;
    } finally {
      signal.removeEventListener('abort', onCancel);
      lease();
    }
  });
}

/** Writes and forwards each event of the worker; throws what the database throws. */
function recorder(
  ctx: Context,
  r: q.RunRecord,
  progress: (p: Partial<JobProgress>) => void,
  afterCommit: (epoch: number) => void,
): (e: TrainEvent) => void {
  const runId = r.id;
  let total = r.config.epochs;
  let epochStarted = Date.now();
  return (e) => {
    if (e.type === 'started') {
      total = e.totalEpochs;
      epochStarted = Date.now();
      q.markRunStarted(ctx.db, runId, e.backendDetail || e.backend);
      ctx.emit('runs:changed', { runId });
      progress({
        total: total * e.stepsPerEpoch,
        done: e.startEpoch * e.stepsPerEpoch,
        rateUnit: 'images/s',
        detail: `epoch ${e.startEpoch + 1} of ${total} · ${e.backendDetail}`,
      });
    } else if (e.type === 'step') {
      const p = e.progress;
      const row: MetricRow = {
        kind: 'step',
        step: p.step,
        epoch: p.epoch,
        loss: p.loss,
        recon: p.recon,
        kl: p.kl,
        heldOut: null,
        imagesPerSec: p.imagesPerSec,
      };
      q.insertStepMetric(ctx.db, runId, row);
      ctx.emit('run:metric', { runId, row });
      const left = total * p.stepsPerEpoch - p.step;
      const stepsPerSec = p.imagesPerSec / r.config.batch;
      progress({
        done: p.step,
        total: total * p.stepsPerEpoch,
        rate: p.imagesPerSec,
        etaSec: stepsPerSec > 0 ? left / stepsPerSec : null,
        detail: `epoch ${p.epoch + 1} of ${total} · loss ${p.loss.toFixed(1)} nats`,
      });
    } else if (e.type === 'warning') {
      ctx.emit('run:warning', { runId, message: e.message });
    } else if (e.type === 'epoch') {
      const x = e.result;
      const row = {
        kind: 'epoch' as const,
        step: x.step,
        epoch: x.epoch,
        loss: x.loss,
        recon: x.recon,
        kl: x.kl,
        heldOut: x.heldOut,
        imagesPerSec: x.imagesPerSec,
      };
      const seconds = (Date.now() - epochStarted) / 1000;
      epochStarted = Date.now();
      q.recordEpoch(ctx.db, runId, row, { epoch: x.epoch, path: relative(ctx.dataDir, e.checkpointDir) }, seconds);
      killPoint('epoch:committed', x.epoch);
      // only now may the folders the database let go be removed (not those past this epoch: one may be in flight)
      afterCommit(x.epoch);
      ctx.emit('run:metric', { runId, row });
      ctx.emit('runs:changed', { runId });
    }
  };
}

/** why a run trained in a person's browser tab stopped when the tab went */
const TAB_CLOSED = 'the browser tab it trained in was closed';

/** Engines that train on a GPU (or a software stand-in for one), whose failures offer wasm. */
function onGpu(pref: string): boolean {
  return pref === 'webgpu-chromium' || pref === 'webgpu-browser' || pref === 'webgpu' || pref === 'tfjs-node-gpu';
}
