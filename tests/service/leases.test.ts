// Two processes on one data folder: a child process trains a run while this one
// tries to resume and delete it, then the child dies by a real SIGKILL and its lease is
// taken over. Real SQLite, real processes, real training.
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { invoke as dispatch } from '../../src/main/dispatch';
import { DB_FILE, openService, type LatentLabService } from '../../src/main/core/service';
import { openDb } from '../../src/main/core/store/db';
import { claimRun, leaseHolder } from '../../src/main/core/store/leases';
import * as q from '../../src/main/core/store/queries';
import { startChild, value, writeSmallIdx, type Child } from './processes';

let dir: string;
let svc: LatentLabService;
let datasetId: number;
let child: Child | undefined;

const long = { model: 'vae' as const, latent: 2, hidden: [8], epochs: 10000, batch: 50 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-lease-'));
  const idx = writeSmallIdx(dir);
  svc = await openService({ dataDir: dir, door: 'browser' });
  const { jobId } = value(await dispatch(svc, 'datasets:import', { kind: 'idx', path: idx.images, labelsPath: idx.labels }));
  datasetId = (await svc.waitForJob(jobId)).datasetId!;
});
afterAll(async () => {
  await child?.kill9();
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a run claimed in the database', () => {
  it('refuses resume and delete from a second process while one trains, and takes over a dead holder', async () => {
    child = startChild(dir, 'runs:start', { datasetId, config: long });
    const started = await child.next<{ pid: number; result: Result<{ runId: number }> }>((l) => 'result' in l);
    const runId = value(started.result).runId;
    await child.next((l) => l.epoch === 2);

    const resume = await dispatch(svc, 'runs:resume', { runId });
    expect(resume.ok).toBe(false);
    expect(!resume.ok && resume.error.code).toBe('busy');
    expect(!resume.ok && resume.error.message).toContain(`process ${started.pid}`);
    const del = await dispatch(svc, 'runs:delete', { runId });
    expect(!del.ok && del.error.code).toBe('busy');
    expect(value(await dispatch(svc, 'runs:get', { runId })).id).toBe(runId); // not deleted

    await child.kill9();
    const epochsAtKill = value(await dispatch(svc, 'runs:metrics', { runId, kind: 'epoch' })).map((m) => m.epoch);
    expect(new Set(epochsAtKill).size).toBe(epochsAtKill.length); // one trainer: no epoch twice

    // the holder is gone: this process takes the run over, trains it, and then may delete it
    const { jobId } = value(await dispatch(svc, 'runs:resume', { runId }));
    await new Promise<void>((res) => {
      const off = svc.on('run:metric', (m) => {
        if (m.runId === runId && m.row.kind === 'epoch') {
          off();
          res();
        }
      });
    });
    value(await dispatch(svc, 'jobs:cancel', { jobId }));
    expect((await svc.waitForJob(jobId)).status).toBe('cancelled');
    expect(value(await dispatch(svc, 'runs:delete', { runId })).deleted).toBe(true);
  });

  it('names the holder, refuses a lease from another host, and takes over one this process left behind', async () => {
    const db = openDb(join(dir, DB_FILE));
    try {
      const runId = q.insertRun(db, { name: 'x', datasetId, config: long as never, dirFor: (id) => `runs/${id}` });
      const other = { pid: 4242, host: 'elsewhere' };
      claimRun(db, runId, 'training', undefined, other, () => false);
      expect(() => claimRun(db, runId, 'deleting')).toThrow(/held for training by process 4242 on elsewhere/);
      // a row of this pid that this process does not hold (a release the disk refused) is stale
      db.prepare('UPDATE run_leases SET pid = ?, host = ? WHERE run_id = ?').run(process.pid, hostname(), runId);
      const release = claimRun(db, runId, 'training');
      expect(() => claimRun(db, runId, 'deleting')).toThrow(/held for training by this process/);
      release();
      expect(leaseHolder(db, runId)).toBeUndefined();
    } finally {
      db.close();
    }
  });
});
