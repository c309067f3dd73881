// The grid thread's side (worker role 'grids', see grid-thread.ts): the same grid builders as
// in-process, over its own read-only connection to the database and its own caches, answering
// one message per grid. It runs at the normal priority: a grid is what the user waits for.
import Database from 'better-sqlite3';
import type { MessagePort } from 'node:worker_threads';
import type { GridSpecParsed } from '../../../../shared/contract';
import { AppFailure } from '../../../../shared/result';
import { initBackend } from '../../backend';
import { ResourceCache } from '../../cache';
import { JobRunner } from '../../jobs';
import type { BackendName } from '../../types';
import type { Context } from '../context';
import { buildGrid } from './index';
import { datasetBytes, modelBytes } from '../loaded';
import type { FromGridThread, GridThreadData, ToGridThread } from './thread-protocol';
import { addStage, timedCall } from '../../timing';

const MiB = 1024 * 1024;

export async function runGridThread(spec: GridThreadData, port: MessagePort): Promise<void> {
  const post = (m: FromGridThread, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  await initBackend(spec.backend as BackendName, 'explore');
  // read-only: the answering thread owns every write; WAL lets this reader see its commits
  const db = new Database(spec.dbFile, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const ctx: Context = {
    db,
    dataDir: spec.dataDir,
    opts: { dataDir: spec.dataDir, door: spec.door },
    version: spec.version,
    jobs: new JobRunner({ progress: () => undefined, finished: () => undefined }),
    emit: () => undefined,
    // keyed like the answering thread's; a dataset rewritten under a new file is seen by the
    // drop message the service sends, a new checkpoint by its path in the model's key
    datasets: new ResourceCache({ maxEntries: 2, maxBytes: 1024 * MiB, sizeOf: datasetBytes }),
    models: new ResourceCache({ maxEntries: 3, maxBytes: 512 * MiB, sizeOf: modelBytes, dispose: (m) => m.dispose() }),
  };
  port.on('message', (m: ToGridThread) => {
    if (m.type === 'drop-dataset') ctx.datasets.drop((id) => id === m.datasetId);
    else if (m.type === 'drop-run') ctx.models.drop((k) => k.startsWith(`${m.runId}:`));
    else if (m.type === 'close') {
      ctx.models.clear();
      ctx.datasets.clear();
      db.close();
      port.close();
    } else if (m.type === 'grid') void answer(ctx, m.id, m.spec, post);
  });
  post({ type: 'ready' });
}

async function answer(ctx: Context, id: number, spec: GridSpecParsed, post: (m: FromGridThread, t?: ArrayBuffer[]) => void): Promise<void> {
  const arrived = performance.now();
  try {
    const { value: grid, stages } = await timedCall(async () => {
      const t = performance.now();
      const g = await buildGrid(ctx, spec);
      addStage('build', performance.now() - t);
      return g;
    });
    // the tiles travel, not copied: they are the bulk of a grid (a 16x16 of 64 px faces: 1 MB)
    const tiles = grid.tiles.byteOffset === 0 && grid.tiles.byteLength === grid.tiles.buffer.byteLength ? grid.tiles : grid.tiles.slice();
    post({ type: 'grid', id, grid: { ...grid, tiles }, stages, ms: performance.now() - arrived }, [tiles.buffer as ArrayBuffer]);
  } catch (err) {
    post({
      type: 'error',
      id,
      code: err instanceof AppFailure ? err.code : null,
      message: err instanceof Error ? err.message : String(err),
    });
  }
}
