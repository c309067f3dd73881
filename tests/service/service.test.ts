// The service over a real data folder: jobs, events, cancel and resume, conflicts, restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobFinished, JobProgress, Result } from '../../src/shared/contract';
import { invoke as dispatch } from '../../src/main/dispatch';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { openDb } from '../../src/main/core/store/db';
import * as q from '../../src/main/core/store/queries';

let dir: string;
let svc: LatentLabService;
let mnist: number;

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-svc-'));
  svc = await openService({ dataDir: dir, door: 'cli' });
  const { jobId } = await svc['datasets:import']({ kind: 'mnist', color: 'auto', resize: 'fit', testShare: 0.1, seed: 1 });
  const f = await svc.waitForJob(jobId);
  expect(f.status).toBe('done');
  mnist = f.datasetId!;
});
afterAll(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

const small = { model: 'vae' as const, latent: 4, hidden: [64], epochs: 3, batch: 50, limit: 2000 };

describe('service', () => {
  it('rejects bad arguments at the door with a Result naming the field', async () => {
    const r = await dispatch(svc, 'runs:start', { datasetId: mnist, config: { ...small, latent: 0 } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad-args');
      expect(r.error.message).toMatch(/config\.latent/);
    }
    const r2 = await dispatch(svc, 'runs:get', { runId: 999 });
    expect(!r2.ok && r2.error.code).toBe('not-found');
  });

  it('cancels a training run within a second, keeps its checkpoint, and resumes it to the end', async () => {
    const progress: JobProgress[] = [];
    const offP = svc.on('job:progress', (p) => progress.push(p));
    const { jobId, runId } = value(await dispatch(svc, 'runs:start', { datasetId: mnist, config: small }));
    // wait for the first epoch to be recorded, then cancel
    await new Promise<void>((res) => {
      const off = svc.on('run:metric', ({ runId: r, row }) => {
        if (r === runId && row.kind === 'epoch') {
          off();
          res();
        }
      });
    });
    const t0 = Date.now();
    expect(value(await dispatch(svc, 'jobs:cancel', { jobId })).cancelled).toBe(true);
    const f: JobFinished = await svc.waitForJob(jobId);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(f.status).toBe('cancelled');
    offP();
    expect(progress.some((p) => p.jobId === jobId && p.total > 0)).toBe(true);
    const cancelled = value(await dispatch(svc, 'runs:get', { runId }));
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.epochsDone).toBeGreaterThanOrEqual(1);

    // a second run cannot start while one trains
    const resumed = value(await dispatch(svc, 'runs:resume', { runId }));
    const busy = await dispatch(svc, 'runs:start', { datasetId: mnist, config: small });
    expect(!busy.ok && busy.error.code).toBe('busy');
    expect((await svc.waitForJob(resumed.jobId)).status).toBe('done');
    const done = value(await dispatch(svc, 'runs:get', { runId }));
    expect(done.status).toBe('done');
    expect(done.epochsDone).toBe(3);
    const epochs = value(await dispatch(svc, 'runs:metrics', { runId, kind: 'epoch' }));
    expect(epochs.map((m) => m.epoch)).toEqual([1, 2, 3]);
    expect(epochs[2]!.heldOut!).toBeLessThan(epochs[0]!.heldOut!);
  });

  it('draws grids from the trained run and the dataset', async () => {
    const runId = value(await dispatch(svc, 'runs:list', {}))[0]!.id;
    const dims = value(await dispatch(svc, 'explore:dims', { runId }));
    expect(dims.latent).toBe(4);
    expect(dims.dims[0]!.kl).toBeGreaterThanOrEqual(dims.dims[3]!.kl);
    const g = value(
      await dispatch(svc, 'explore:grid', { kind: 'sweep', runId, dims: [dims.dims[0]!.index, dims.dims[1]!.index], grid: 5 }),
    );
    expect(g.n).toBe(25);
    expect(g.tiles.length).toBe(25 * 28 * 28);
    expect(g.xValues).toEqual([-3, -1.5, 0, 1.5, 3]);
    const moved = value(
      await dispatch(svc, 'explore:grid', {
        kind: 'sweep',
        runId,
        dims: [dims.dims[0]!.index, dims.dims[1]!.index],
        grid: 5,
        base: { kind: 'values', values: [2, 2, 2, 2] },
      }),
    );
    expect(Buffer.compare(Buffer.from(moved.tiles), Buffer.from(g.tiles))).not.toBe(0);
    const bad = await dispatch(svc, 'explore:grid', { kind: 'sweep', runId, dims: [0, 9] });
    expect(!bad.ok && bad.error.message).toMatch(/not a latent dimension/);
    // between two latent points (two sweep cells): the strip starts exactly at the first point
    const za = [-2, -2, 1, 0];
    const zb = [2, 1, -1, 0];
    const strip = value(await dispatch(svc, 'explore:grid', { kind: 'interpolate', runId, za, zb, steps: 5 }));
    expect([strip.n, strip.cols]).toEqual([5, 5]);
    // a 2x2 sweep of dims 0 and 1 over [-2, 2] around za: its bottom-left cell (x = -2, y = -2) is za
    const cells = value(
      await dispatch(svc, 'explore:grid', {
        kind: 'sweep',
        runId,
        dims: [0, 1],
        grid: 2,
        range: [-2, 2],
        base: { kind: 'values', values: za },
      }),
    );
    const size = 28 * 28;
    expect(Buffer.from(strip.tiles.subarray(0, size)).equals(Buffer.from(cells.tiles.subarray(2 * size, 3 * size)))).toBe(true);
    // between two images: the images themselves at the ends, the run by its name
    const between = value(await dispatch(svc, 'explore:grid', { kind: 'interpolate', runId, a: 60000, b: 60001, steps: 5 }));
    expect([between.n, between.cols]).toEqual([7, 7]);
    const page2 = value(await dispatch(svc, 'explore:grid', { kind: 'dataset', datasetId: mnist, indices: [60000, 60001] }));
    expect(Buffer.from(between.tiles.subarray(0, size)).equals(Buffer.from(page2.tiles.subarray(0, size)))).toBe(true);
    expect(Buffer.from(between.tiles.subarray(6 * size, 7 * size)).equals(Buffer.from(page2.tiles.subarray(size, 2 * size)))).toBe(true);
    const runName = value(await dispatch(svc, 'runs:get', { runId })).name;
    expect(between.rowLabels).toEqual([`VAE · ${runName}`]);
    const half = await dispatch(svc, 'explore:grid', { kind: 'interpolate', runId, za, steps: 5 });
    expect(!half.ok && half.error.message).toMatch(/za and zb/);
    const wrong = await dispatch(svc, 'explore:grid', { kind: 'interpolate', runId, za: [1, 2], zb: [3, 4] });
    expect(!wrong.ok && wrong.error.message).toMatch(/za: expected 4 values/);
    const page = value(await dispatch(svc, 'explore:grid', { kind: 'dataset', datasetId: mnist, label: 3, limit: 20 }));
    expect(page.n).toBe(20);
    expect(page.labels!.every((l) => l === 3)).toBe(true);
    expect(page.total).toBe(7141); // MNIST has 7,141 threes (6,131 train + 1,010 test)
  });

  it('ranks and sweeps the top level of a hierarchical VAE', async () => {
    const { jobId, runId } = value(
      await dispatch(svc, 'runs:start', {
        datasetId: mnist,
        config: { model: 'hvae', latent: 6, latent2: 3, hidden: [64], epochs: 1, batch: 50, limit: 1000 },
      }),
    );
    expect((await svc.waitForJob(jobId)).status).toBe('done');
    const top = value(await dispatch(svc, 'explore:dims', { runId, level: 2 }));
    expect(top.latent).toBe(3);
    expect(top.dims.map((d) => d.index).sort()).toEqual([0, 1, 2]);
    const enc = value(await dispatch(svc, 'explore:encode', { runId, index: 60000, level: 2 }));
    expect(enc.mu).toHaveLength(3);
    const g = value(
      await dispatch(svc, 'explore:grid', {
        kind: 'sweep',
        runId,
        dims: [0, 1],
        grid: 4,
        level: 2,
        base: { kind: 'values', values: enc.mu },
      }),
    );
    expect(g.n).toBe(16);
    const flat = await dispatch(svc, 'explore:dims', { runId: value(await dispatch(svc, 'runs:list', {})).at(-1)!.id, level: 2 });
    expect(!flat.ok && flat.error.message).toMatch(/one latent level/);
  });

  it('refuses to delete a dataset that has runs, and marks crashed runs interrupted at the next start', async () => {
    const del = await dispatch(svc, 'datasets:delete', { datasetId: mnist });
    expect(!del.ok && del.error.code).toBe('conflict');
    await svc.close();
    const db = openDb(join(dir, 'latent-lab.sqlite'));
    const runId = q.listRuns(db)[0]!.id;
    q.markRunStarted(db, runId, 'wasm'); // as if the app died mid-training
    db.close();
    svc = await openService({ dataDir: dir, door: 'cli' });
    const r = value(await dispatch(svc, 'runs:get', { runId }));
    expect(r.status).toBe('interrupted');
  });
});
