// What every handler module shares: the database, the data folder, the job runner, the event
// emitter and the caches, plus the record lookups that turn a missing id into `not-found`.
import type { DatasetInfo, EventName, Events } from '../../../shared/contract';
import { AppFailure } from '../../../shared/contract';
import type { EnginePreference } from '../backend';
import type { TorchOptions } from '../engines/torch/engine';
import type { ResourceCache } from '../cache';
import type { JobRunner } from '../jobs';
import type { Db } from '../store/db';
import * as q from '../store/queries';
import type { LoadedModel } from '../train';
import type { Dataset } from '../types';
import type { GridThread } from './grids/thread';

export interface ServiceOptions {
  dataDir: string;
  door: 'electron' | 'browser' | 'cli';
  backend?: EnginePreference;
  /** backend torch: device, processes, machines (the CLI's --device, --processes, --nodes) */
  torch?: TorchOptions;
}

export interface Context {
  readonly db: Db;
  /** absolute */
  readonly dataDir: string;
  readonly opts: ServiceOptions;
  readonly version: string;
  readonly jobs: JobRunner;
  readonly datasets: ResourceCache<number, Dataset>;
  /** keyed `${runId}:${checkpoint path}` */
  readonly models: ResourceCache<string, LoadedModel>;
  /** where grids are decoded off this thread (browser and Electron doors); absent: in-process */
  readonly grids?: GridThread;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
}

export type DatasetRecord = DatasetInfo & { file: string };

export function datasetRecord(ctx: Context, id: number): DatasetRecord {
  const d = q.getDataset(ctx.db, id);
  if (!d) throw new AppFailure('not-found', `dataset ${id} does not exist`);
  return d;
}

export function runRecord(ctx: Context, id: number): q.RunRecord {
  const r = q.getRun(ctx.db, id);
  if (!r) throw new AppFailure('not-found', `run ${id} does not exist`);
  return r;
}

/** A dataset as the contract shows it (no file name inside the data folder). */
export function publicDataset(d: DatasetRecord): DatasetInfo {
  const { file: _file, ...rest } = d;
  return rest;
}
