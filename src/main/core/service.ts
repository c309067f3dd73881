// The service: the contract's methods, composed from one module per domain (handlers/). It
// knows nothing of who calls it (Electron IPC, the browser bridge or the CLI). `satisfies
// Handlers` keeps the contract complete: a method no module implements fails to compile.
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EventName, Events } from '../../shared/contract';
import type { Handlers } from '../dispatch';
import { explorePreference, initBackend } from './backend';
import { ResourceCache } from './cache';
import { animationHandlers } from './handlers/animation';
import { appHandlers, appVersion } from './handlers/app';
import { bundleHandlers } from './handlers/runs/bundles';
import type { Context, ServiceOptions } from './handlers/context';
import { datasetHandlers } from './handlers/datasets';
import { evaluationHandlers } from './handlers/evaluation';
import { GridThread } from './handlers/grids/thread';
import { exploreHandlers } from './handlers/explore';
import { exportHandlers } from './handlers/export';
import { datasetBytes, modelBytes } from './handlers/loaded';
import { qualityHandlers } from './handlers/quality';
import { keptEnding } from './handlers/runs/ending';
import { runHandlers } from './handlers/runs';
import { TrainingSlot } from './handlers/runs/training';
import { JobRunner } from './jobs';
import { openDb, refuseEmptyOverData, type Db } from './store/db';
import { accessFailure, corruptFailure, isCorrupt } from './store/db-errors';
import * as q from './store/queries';
import { sweepOrphans } from './stale-files';

export type { ServiceOptions } from './handlers/context';

export interface LatentLabService extends Handlers {
  readonly dataDir: string;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** resolves when the job ends (for the CLI and tests) */
  waitForJob(jobId: string): Promise<Events['job:finished']>;
  close(): Promise<void>;
}

export const DB_FILE = 'latent-lab.sqlite';

const MiB = 1024 * 1024;
/** Two datasets in memory: the one explored and the one an AE/VAE comparison uses. */
const DATASET_CACHE = { maxEntries: 2, maxBytes: 1024 * MiB };
/** A few models for side-by-side runs; bytes bound a cache of big conv models too. */
const MODEL_CACHE = { maxEntries: 3, maxBytes: 512 * MiB };

export async function openService(opts: ServiceOptions): Promise<LatentLabService> {
  const dataDir = resolve(opts.dataDir);
  refuseEmptyOverData(join(dataDir, DB_FILE), dataDir);
  mkdirSync(join(dataDir, 'datasets'), { recursive: true });
  mkdirSync(join(dataDir, 'runs'), { recursive: true });
  const dbFile = join(dataDir, DB_FILE);
  const db = openDb(dbFile);
  try {
    q.markCrashedRuns(db, undefined, (dir) => keptEnding(join(dataDir, dir)));
    await sweepOrphans(db, dataDir);
  } catch (err) {
    const failure = isCorrupt(err) ? corruptFailure(db, dbFile, err) : (accessFailure(dbFile, err) ?? err);
    db.close();
    throw failure;
  }
  const backend = await initBackend(explorePreference(opts.backend ?? 'auto'));

  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  const emit = <E extends EventName>(event: E, payload: Events[E]): void => void emitter.emit(event, payload);
  const jobs = new JobRunner({ progress: (p) => emit('job:progress', p), finished: (f) => emit('job:finished', f) });
  const version = appVersion();
  // the CLI answers one caller and exits: its grids stay in-process, with no thread to start
  const grids =
    opts.door === 'cli'
      ? undefined
      : new GridThread({
          dbFile: join(dataDir, DB_FILE),
          dataDir,
          door: opts.door,
          version,
          backend: backend.name,
        });
  const ctx: Context = {
    db,
    dataDir,
    opts,
    version,
    grids,
    jobs,
    emit,
    datasets: new ResourceCache({ ...DATASET_CACHE, sizeOf: datasetBytes }),
    models: new ResourceCache({ ...MODEL_CACHE, sizeOf: modelBytes, dispose: (m) => m.dispose() }),
  };

  const handlers = {
    ...appHandlers(ctx, backend),
    ...datasetHandlers(ctx),
    ...runHandlers(ctx, new TrainingSlot(jobs)),
    ...exploreHandlers(ctx),
    ...evaluationHandlers(ctx),
    ...qualityHandlers(ctx),
    ...exportHandlers(ctx),
    ...animationHandlers(ctx),
    ...bundleHandlers(ctx),
  } satisfies Handlers;

  return {
    ...sayingDamage(handlers, db, dbFile),
    dataDir,
    on(event, listener) {
      emitter.on(event, listener);
      return () => void emitter.off(event, listener);
    },
    waitForJob: (jobId) => jobs.wait(jobId),
    async close() {
      await jobs.shutdown();
      await grids?.close();
      ctx.models.clear();
      ctx.datasets.clear();
      db.close();
    },
  };
}

/** Each handler, with a damaged database said as such (what the integrity check finds, how to recover). */
function sayingDamage<H extends Record<string, (a: never) => Promise<unknown>>>(handlers: H, db: Db, file: string): H {
  const wrapped = Object.entries(handlers).map(([name, h]) => [
    name,
    async (a: never) => {
      try {
        return await h(a);
      } catch (err) {
        throw isCorrupt(err) ? corruptFailure(db, file, err) : err;
      }
    },
  ]);
  return Object.fromEntries(wrapped) as H;
}
