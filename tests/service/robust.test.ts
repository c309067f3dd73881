// The service under hard conditions, over a real data folder, real SQLite,
// real TF.js and real MNIST: two starts in one go, parallel cold explore calls, a database
// error in the middle of training, one warning per problem, one latent-size check.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { invoke as dispatch } from '../../src/main/dispatch';
import { DB_FILE, openService, type LatentLabService } from '../../src/main/core/service';
import { readDatasetFile } from '../../src/main/core/data/dataset-file';
import { perDimensionKl, ACTIVE_UNIT_THRESHOLD } from '../../src/main/core/explore/metrics';
import { openDb } from '../../src/main/core/store/db';
import * as q from '../../src/main/core/store/queries';
import { loadRunModel } from '../../src/main/core/train';

let dir: string;
let svc: LatentLabService;
let mnist: number;
let vaeRun: number;

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

const tiny = { model: 'vae' as const, latent: 2, hidden: [32], epochs: 1, batch: 100, limit: 1000 };

/** Resolves when the run's first epoch is recorded. */
function firstEpoch(runId: number): Promise<void> {
  return new Promise((res) => {
    const off = svc.on('run:metric', (m) => {
      if (m.runId === runId && m.row.kind === 'epoch') {
        off();
        res();
      }
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-robust-'));
  svc = await openService({ dataDir: dir, door: 'browser' });
  const { jobId } = await svc['datasets:import']({ kind: 'mnist', color: 'auto', resize: 'fit', testShare: 0.1, seed: 1 });
  mnist = (await svc.waitForJob(jobId)).datasetId!;
});
afterAll(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('service under concurrency and failure', () => {
  it('trains only one of two runs:start sent in one go', async () => {
    const [a, b] = await Promise.all([
      dispatch(svc, 'runs:start', { datasetId: mnist, config: tiny }),
      dispatch(svc, 'runs:start', { datasetId: mnist, config: tiny }),
    ]);
    const started = [a, b].flatMap((r) => (r.ok ? [r.value] : []));
    vaeRun = started[0]!.runId; // the later tests explore it, whatever this one finds
    const endings = await Promise.all(started.map((s) => svc.waitForJob(s.jobId)));
    expect(started).toHaveLength(1);
    const refused = [a, b].find((r) => !r.ok);
    expect(!refused!.ok && refused!.error.code).toBe('busy');
    expect(endings[0]!.status).toBe('done');
    expect(value(await dispatch(svc, 'runs:list', {})).map((r) => r.id)).toEqual([vaeRun]); // no run row for the refused one
  });

  it('answers parallel cold explore calls on a fresh service, one model load shared', async () => {
    await svc.close();
    svc = await openService({ dataDir: dir, door: 'browser' });
    const calls = [1, 2, 3, 4, 5].map((seed) => dispatch(svc, 'explore:grid', { kind: 'samples', runId: vaeRun, n: 4, seed }));
    calls.push(
      dispatch(svc, 'explore:dims', { runId: vaeRun }) as never,
      dispatch(svc, 'explore:grid', { kind: 'reconstruct', runId: vaeRun, n: 4 }) as never,
    );
    const results = await Promise.all(calls);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it('refuses a sweep or interpolation at level 2 of a one-level model as bad arguments (one latent-size check)', async () => {
    const sweep = await dispatch(svc, 'explore:grid', { kind: 'sweep', runId: vaeRun, dims: [0, 1], grid: 2, level: 2 });
    expect(!sweep.ok && sweep.error.code).toBe('bad-args');
    expect(!sweep.ok && sweep.error.message).toMatch(/one latent level/);
    const strip = await dispatch(svc, 'explore:grid', { kind: 'interpolate', runId: vaeRun, za: [0, 0], zb: [1, 1], level: 2 });
    expect(!strip.ok && strip.error.code).toBe('bad-args');
  });

  it('ends a run failed when the database refuses its metrics, keeps its checkpoint and keeps serving', async () => {
    const { jobId, runId } = value(await dispatch(svc, 'runs:start', { datasetId: mnist, config: { ...tiny, epochs: 4, batch: 50 } }));
    await firstEpoch(runId);
    // another process on the same database file refuses every further metric row
    const other = openDb(join(dir, DB_FILE));
    other.exec(
      `CREATE TRIGGER refuse_metrics BEFORE INSERT ON metrics BEGIN SELECT RAISE(ABORT, 'metrics refused by another process'); END`,
    );
    const f = await svc.waitForJob(jobId);
    expect(f.status).toBe('failed');
    expect(f.message).toMatch(/metrics refused by another process/);
    const run = value(await dispatch(svc, 'runs:get', { runId }));
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/metrics refused/);
    expect(run.epochsDone).toBeGreaterThanOrEqual(1);
    // the last good checkpoint is kept: the model still draws
    expect(value(await dispatch(svc, 'explore:grid', { kind: 'samples', runId, n: 2 })).n).toBe(2);
    other.exec('DROP TRIGGER refuse_metrics');

    // a run deleted underneath by another process: the worker's next row fails its foreign key
    const second = value(await dispatch(svc, 'runs:start', { datasetId: mnist, config: { ...tiny, epochs: 4, batch: 50 } }));
    await firstEpoch(second.runId);
    q.deleteRun(other, second.runId);
    other.close();
    const g = await svc.waitForJob(second.jobId);
    expect(g.status).toBe('failed');
    expect(g.message).toMatch(/FOREIGN KEY/);
    // still serving, and the training slot is free again
    expect(value(await dispatch(svc, 'app:info', {})).door).toBe('browser');
    const next = value(await dispatch(svc, 'runs:resume', { runId }));
    expect((await svc.waitForJob(next.jobId)).status).toBe('done');
  });

  it('warns once, not twice, about a Bernoulli decoder on grey-level images', async () => {
    // grey images written here (not the faces folder, which may be absent): two labels of
    // smooth mid-grey ramps, far from black and white
    const folder = join(dir, 'grey');
    for (const [label, shift] of [
      ['a', 0],
      ['b', 40],
    ] as const) {
      mkdirSync(join(folder, label), { recursive: true });
      for (let i = 0; i < 50; i++) {
        const px = Buffer.from(Array.from({ length: 256 }, (_, j) => 60 + shift + ((i + j) % 16) * 5));
        await sharp(px, { raw: { width: 16, height: 16, channels: 1 } })
          .png()
          .toFile(join(folder, label, `${i}.png`));
      }
    }
    const imp = value(await dispatch(svc, 'datasets:import', { kind: 'folder', path: folder, side: 16 }));
    const faces = (await svc.waitForJob(imp.jobId)).datasetId!;
    const warnings: string[] = [];
    const off = svc.on('run:warning', (w) => warnings.push(w.message));
    const { jobId } = value(await dispatch(svc, 'runs:start', { datasetId: faces, config: { ...tiny, batch: 40, limit: 80 } }));
    expect((await svc.waitForJob(jobId)).status).toBe('done');
    off();
    expect(warnings.filter((w) => /grey-level/i.test(w))).toHaveLength(1);
  });

  it('ranks the top level of an HVAE with the metrics module (two-pass variance, the named threshold)', async () => {
    const { jobId, runId } = value(
      await dispatch(svc, 'runs:start', { datasetId: mnist, config: { ...tiny, model: 'hvae', latent: 4, latent2: 2 } }),
    );
    expect((await svc.waitForJob(jobId)).status).toBe('done');
    const got = value(await dispatch(svc, 'explore:dims', { runId, level: 2 }));
    const db = openDb(join(dir, DB_FILE));
    const model = await loadRunModel(join(dir, q.latestCheckpoint(db, runId)!.path));
    const data = await readDatasetFile(join(dir, q.getDataset(db, mnist)!.file));
    db.close();
    const test: number[] = [];
    for (let i = 0; i < data.n && test.length < 1000; i++) if (data.split[i] === 1) test.push(i);
    const pixels = new Uint8Array(test.length * 784);
    test.forEach((i, k) => pixels.set(data.pixels.subarray(i * 784, (i + 1) * 784), k * 784));
    const want = perDimensionKl(model, pixels, undefined, 2);
    model.dispose();
    expect(got.latent).toBe(2);
    for (const d of got.dims) {
      expect(d.kl).toBe(want.kl[d.index]);
      expect(d.variance).toBe(want.muVariance[d.index]);
    }
    expect(got.activeUnits).toBe(want.muVariance.filter((v) => v > ACTIVE_UNIT_THRESHOLD).length);
  });
});
