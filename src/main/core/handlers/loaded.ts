// Datasets and models as explore calls use them: leased from the shared caches for the length
// of one call, so a parallel call can neither load them twice nor dispose them underneath.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppFailure } from '../../../shared/contract';
import { readDatasetFile } from '../data/dataset-file';
import { latentAt, type Level } from '../explore/tensors';
import * as q from '../store/queries';
import { loadRunModel, type LoadedModel } from '../train';
import type { Dataset } from '../types';
import { datasetRecord, runRecord, type Context } from './context';

export interface RunModel {
  run: q.RunRecord;
  model: LoadedModel;
  data: Dataset;
  /** epochs done when the checkpoint in use was written */
  epoch: number;
}

export async function withPixels<T>(ctx: Context, datasetId: number, f: (data: Dataset) => Promise<T> | T): Promise<T> {
  const d = datasetRecord(ctx, datasetId);
  return ctx.datasets.use(datasetId, () => readDatasetFile(join(ctx.dataDir, d.file)), f);
}

/**
 * The checkpoint a run is explored, evaluated and exported with: while it trains, the latest;
 * once it stopped, the one with the best held-out loss (training past it only overfits). A run
 * trained before the best one was kept may have lost its folder: then the latest.
 */
export function checkpointInUse(ctx: Context, run: Pick<q.RunRecord, 'id' | 'status'>): { epoch: number; path: string } | undefined {
  const latest = q.latestCheckpoint(ctx.db, run.id);
  if (run.status === 'running' || run.status === 'queued') return latest;
  const best = q.bestCheckpoint(ctx.db, run.id);
  return best && existsSync(join(ctx.dataDir, best.path, 'model.json')) ? best : latest;
}

/** Runs `f` with the model of the run's checkpoint in use and the run's dataset. */
export async function withModel<T>(ctx: Context, runId: number, f: (m: RunModel) => Promise<T> | T): Promise<T> {
  const run = runRecord(ctx, runId);
  const ckpt = checkpointInUse(ctx, run);
  if (!ckpt) throw new AppFailure('not-found', `run ${runId} has no checkpoint yet; it gets one at the end of its first epoch`);
  const key = `${runId}:${ckpt.path}`;
  // a newer checkpoint supersedes the run's older models (disposed once no call holds them)
  ctx.models.drop((k) => k.startsWith(`${runId}:`) && k !== key);
  return ctx.models.use(
    key,
    () => loadRunModel(join(ctx.dataDir, ckpt.path)),
    (model) => withPixels(ctx, run.datasetId, (data) => f({ run, model, data, epoch: ckpt.epoch })),
  );
}

/** Evicts a run's models (deleted run), here and in the grid thread. */
export function dropModels(ctx: Context, runId: number): void {
  ctx.models.drop((k) => k.startsWith(`${runId}:`));
  ctx.grids?.dropRun(runId);
}

/** Evicts a dataset's pixels (deleted, relabelled), here and in the grid thread. */
export function dropDataset(ctx: Context, datasetId: number): void {
  ctx.datasets.drop((id) => id === datasetId);
  ctx.grids?.dropDataset(datasetId);
}

/**
 * The width of a latent level of this run, refusing a level the model does not have as bad
 * arguments (the one check; explore's latentAt says the same for direct callers).
 */
export function latentWidth(run: q.RunRecord, model: LoadedModel, level: Level | undefined): number {
  if (level !== undefined && level !== 1 && run.config.model !== 'hvae')
    throw new AppFailure('bad-args', `level: run ${run.id} is a ${run.config.model.toUpperCase()}, it has one latent level`);
  const T = model.latentSizes.length;
  if (level !== undefined && level > T)
    throw new AppFailure('bad-args', `level: run ${run.id} has ${T} latent levels (1..${T}), got ${level}`);
  return latentAt(model, level, 'latentWidth');
}

export const modelBytes = (m: LoadedModel): number => m.variables.reduce((s, v) => s + v.size * 4, 0);

export const datasetBytes = (d: Dataset): number => d.pixels.byteLength + d.labels.byteLength + d.split.byteLength;
