// Checkpoint on disk and database agree after a crash: a child process trains a
// run and dies by a real SIGKILL at each point of the order (files written, renamed, `latest`
// swapped, epoch committed). After each, the run is interrupted, its recorded checkpoint is on
// disk and explorable, and a resume ends with every epoch recorded once and exactly the
// checkpoint folders the database references.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { invoke as dispatch } from '../../src/main/dispatch';
import { DB_FILE, openService } from '../../src/main/core/service';
import type { KillPoint } from '../../src/main/core/kill-point';
import { openDb } from '../../src/main/core/store/db';
import * as q from '../../src/main/core/store/queries';
import { startChild, value, writeSmallIdx } from './processes';

let dir: string;
let datasetId: number;

const config = { model: 'vae' as const, latent: 2, hidden: [8], epochs: 4, batch: 50 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-kill-'));
  const idx = writeSmallIdx(dir);
  const svc = await openService({ dataDir: dir, door: 'browser' });
  const { jobId } = value(await dispatch(svc, 'datasets:import', { kind: 'idx', path: idx.images, labelsPath: idx.labels }));
  datasetId = (await svc.waitForJob(jobId)).datasetId!;
  await svc.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const points: KillPoint[] = ['checkpoint:written', 'checkpoint:renamed', 'checkpoint:latest', 'epoch:committed'];

describe('a kill -9 at each point of the checkpoint order', () => {
  it.each(points)('at %s in epoch 2: nothing recorded is lost, resume records every epoch once', async (point) => {
    const child = startChild(dir, 'runs:start', { datasetId, config }, { LATENT_LAB_KILL_AT: `${point}@2` });
    const { result } = await child.next<{ result: Result<{ runId: number }> }>((l) => 'result' in l);
    const runId = value(result).runId;
    await child.exited;
    expect(child.proc.signalCode).toBe('SIGKILL');

    const svc = await openService({ dataDir: dir, door: 'browser' });
    {
      const run = value(await dispatch(svc, 'runs:get', { runId }));
      expect(run.status).toBe('interrupted');
      expect(run.epochsDone).toBe(point === 'epoch:committed' ? 2 : 1);
      value(await dispatch(svc, 'explore:grid', { kind: 'samples', runId, n: 4, seed: 1 })); // its checkpoint is there

      const { jobId } = value(await dispatch(svc, 'runs:resume', { runId }));
      expect((await svc.waitForJob(jobId)).status).toBe('done');
      const epochs = value(await dispatch(svc, 'runs:metrics', { runId, kind: 'epoch' })).map((m) => m.epoch);
      expect(epochs).toEqual([1, 2, 3, 4]);
      value(await dispatch(svc, 'explore:grid', { kind: 'samples', runId, n: 4, seed: 1 }));
      await svc.close();

      // the folders on disk are the ones the database references, and nothing half-written is left
      const db = openDb(join(dir, DB_FILE));
      const referenced = q
        .checkpointPaths(db, runId)
        .map((p) => p.split('/').pop())
        .sort();
      db.close();
      const cdir = join(dir, 'runs', String(runId), 'checkpoints');
      expect(
        readdirSync(cdir)
          .filter((n) => n !== 'latest')
          .sort(),
      ).toEqual(referenced);
      expect(referenced).toEqual(['epoch-0003', 'epoch-0004']);
      expect(existsSync(join(cdir, 'epoch-0004'))).toBe(true);
    }
  });
});
