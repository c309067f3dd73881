// A run killed with a real SIGKILL whose newest checkpoint is then found damaged (its weights
// file cut short): resume refuses before anything changes, naming the damage and offering the
// intact checkpoint of the epoch before, and the run is not marked failed for it; resuming
// from that epoch trains the rest.
import { readFileSync, mkdtempSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { invoke as dispatch } from '../../src/main/dispatch';
import { openService } from '../../src/main/core/service';
import { startChild, value, writeSmallIdx } from './processes';

let dir: string;
let datasetId: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-resume-damaged-'));
  const idx = writeSmallIdx(dir);
  const svc = await openService({ dataDir: dir, door: 'browser' });
  const { jobId } = value(await dispatch(svc, 'datasets:import', { kind: 'idx', path: idx.images, labelsPath: idx.labels }));
  datasetId = (await svc.waitForJob(jobId)).datasetId!;
  await svc.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resume with a damaged newest checkpoint', () => {
  it('offers the intact checkpoint of the epoch before, and resumes from it when asked', { timeout: 120_000 }, async () => {
    const config = { model: 'vae' as const, latent: 2, hidden: [8], epochs: 4, batch: 50 };
    const child = startChild(dir, 'runs:start', { datasetId, backend: 'wasm', config });
    const { result } = await child.next<{ result: Result<{ runId: number }> }>((l) => 'result' in l);
    const runId = value(result).runId;
    await child.next((l) => l.epoch === 2);
    await child.kill9();

    const weights = join(dir, 'runs', String(runId), 'checkpoints', 'epoch-0002', 'weights.bin');
    truncateSync(weights, Math.floor(readFileSync(weights).length / 2));

    const svc = await openService({ dataDir: dir, door: 'browser' });
    try {
      expect(value(await dispatch(svc, 'runs:get', { runId })).status).toBe('interrupted');
      const r = await dispatch(svc, 'runs:resume', { runId });
      expect(!r.ok && r.error.code).toBe('conflict');
      const message = !r.ok ? r.error.message : '';
      expect(message).toContain(`the checkpoint of epoch 2 is damaged (checkpoint file ${weights} has`);
      expect(message).toContain('The checkpoint of epoch 1 is intact: resume from it');
      expect(message).toContain(`--from-epoch 1`);
      // nothing changed: not failed, epoch 2 still recorded
      expect(value(await dispatch(svc, 'runs:get', { runId }))).toMatchObject({ status: 'interrupted', epochsDone: 2 });

      const again = value(await dispatch(svc, 'runs:resume', { runId, fromEpoch: 1 }));
      expect((await svc.waitForJob(again.jobId)).status).toBe('done');
      const epochs = value(await dispatch(svc, 'runs:metrics', { runId, kind: 'epoch' })).map((m) => m.epoch);
      expect(epochs).toEqual([1, 2, 3, 4]);
      expect(value(await dispatch(svc, 'runs:get', { runId }))).toMatchObject({ status: 'done', epochsDone: 4 });
    } finally {
      await svc.close();
    }
  });
});
