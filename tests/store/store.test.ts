import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDb, SCHEMA_VERSION } from '../../src/main/core/store/db';
import { migrations } from '../../src/main/core/store/migrations';
import * as q from '../../src/main/core/store/queries';

const dirs: string[] = [];
function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'll-store-'));
  dirs.push(d);
  return join(d, 'latent-lab.sqlite');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const dataset = (name: string): q.NewDataset => ({
  name,
  kind: 'folder',
  source: '/tmp/x',
  count: 3,
  trainCount: 2,
  testCount: 1,
  height: 28,
  width: 28,
  channels: 1,
  labelNames: ['a', 'b'],
  labelCounts: [2, 1],
  options: {},
  file: 'datasets/1.bin',
});
/** A dataset row as the first schema holds it (the current insertDataset writes later columns too). */
function insertOldDataset(db: Database.Database, name: string): number {
  const info = db
    .prepare(
      `INSERT INTO datasets (name, kind, source, created_at, count, train_count, test_count, height, width, channels,
         label_names, label_counts, options, file) VALUES (?, 'folder', '/tmp/x', '2026-01-01', 3, 2, 1, 28, 28, 1, '["a","b"]', '[2,1]', '{}', 'datasets/1.bin')`,
    )
    .run(name);
  return Number(info.lastInsertRowid);
}
const images = [
  { source: 'a/1.png', label: 0, split: 0 },
  { source: 'a/2.png', label: 0, split: 1 },
  { source: 'b/1.png', label: 1, split: 0 },
];

/** A small run's config; only the epochs differ between the tests that store runs. */
const runConfig = (epochs: number) =>
  ({ model: 'vae', family: 'mlp', latent: 2, likelihood: 'bernoulli', beta: 1, epochs, batch: 8, lr: 1e-3, seed: 1 }) as const;

describe('migrations', () => {
  it('each step applies on an empty in-memory database, in order', () => {
    for (let n = 1; n <= migrations.length; n++) {
      const db = new Database(':memory:');
      migrate(db, migrations.slice(0, n));
      expect(db.pragma('user_version', { simple: true })).toBe(n);
      db.close();
    }
  });

  it('step 2 upgrades an existing version-1 database and keeps its data', () => {
    const file = tempFile();
    const v1 = openDb(file, migrations.slice(0, 1));
    const id = insertOldDataset(v1, 'faces');
    v1.close();
    const db = openDb(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(q.getDataset(db, id)?.name).toBe('faces');
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
    expect(tables.map((t) => t.name)).toContain('evaluations');
    db.close();
  });

  it('step 5 lets a run end collapsed and keeps every run, metric and checkpoint of a version-4 database', () => {
    const file = tempFile();
    const v4 = openDb(file, migrations.slice(0, 4));
    const ds = insertOldDataset(v4, 'faces');
    const run = q.insertRun(v4, { name: 'r', datasetId: ds, config: runConfig(2), dirFor: (id) => `runs/${id}` });
    q.recordEpoch(
      v4,
      run,
      { kind: 'epoch', step: 10, epoch: 1, loss: 5, recon: 4, kl: 1, heldOut: 6, imagesPerSec: 100 },
      { epoch: 1, path: 'runs/1/checkpoints/epoch-0001' },
      1,
    );
    expect(() => q.setRunStatus(v4, run, 'collapsed' as never)).toThrow(/CHECK/);
    v4.close();
    const db = openDb(file);
    // the rebuilt runs table took none of what references it along
    expect(q.listMetrics(db, run, 'epoch')).toHaveLength(1);
    expect(q.checkpointPaths(db, run)).toEqual(['runs/1/checkpoints/epoch-0001']);
    q.setRunStatus(db, run, 'collapsed', 'posterior collapse: 0 of 2 latent dimensions active');
    const r = q.getRun(db, run)!;
    expect([r.status, r.error, r.bestHeldOut]).toEqual(['collapsed', 'posterior collapse: 0 of 2 latent dimensions active', 6]);
    expect(q.getDataset(db, ds)?.pixels).toBeUndefined();
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    // still cascades: deleting the run takes its metrics
    db.prepare('DELETE FROM runs WHERE id = ?').run(run);
    expect(q.listMetrics(db, run)).toHaveLength(0);
    db.close();
  });

  it('refuses a database from a newer app with a clear message', () => {
    const file = tempFile();
    const db = openDb(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => openDb(file)).toThrow(/newer version of Latent Lab/);
  });

  it('a failing step leaves the database as it was (one transaction)', () => {
    const db = new Database(':memory:');
    const broken = [
      ...migrations,
      { version: migrations.length + 1, name: 'broken', sql: 'CREATE TABLE ok_table (x); SELECT nope FROM missing;' },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'datasets'`).get()).toEqual({ n: 0 });
  });

  it('uses WAL and foreign keys', () => {
    const db = openDb(tempFile());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });
});

describe('queries', () => {
  it('a dataset insert is all or nothing', () => {
    const db = openDb(tempFile());
    q.insertDataset(db, dataset('faces'), images, [{ path: 'x.txt', reason: 'not-an-image', detail: 'text' }]);
    expect(() => q.insertDataset(db, dataset('faces'), images, [])).toThrow(/UNIQUE/);
    expect(q.listDatasets(db)).toHaveLength(1);
    expect((db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n).toBe(3);
    expect(q.listSkipped(db, 1)).toEqual([{ path: 'x.txt', reason: 'not-an-image', detail: 'text' }]);
    // what the pixels are, as measured at import, comes back with the dataset
    const grey = q.insertDataset(db, { ...dataset('photos'), pixels: 'grey' }, images, []);
    expect(q.getDataset(db, grey)?.pixels).toBe('grey');
    expect(q.getDataset(db, 1)?.pixels).toBeUndefined();
    db.close();
  });

  it('runs left running by a crash become interrupted at the next open', () => {
    const file = tempFile();
    const db = openDb(file);
    const ds = q.insertDataset(db, dataset('faces'), images, []);
    const config = runConfig(1);
    const run = q.insertRun(db, { name: 'r', datasetId: ds, config, dirFor: (id) => `runs/${id}` });
    q.markRunStarted(db, run, 'wasm', 4242);
    db.close();
    const again = openDb(file);
    // the training process is alive: another process opening the folder leaves the run alone
    expect(q.markCrashedRuns(again, (pid) => pid === 4242)).toBe(0);
    expect(q.getRun(again, run)?.status).toBe('running');
    // it is gone: the run is interrupted and can be resumed
    expect(q.markCrashedRuns(again, () => false)).toBe(1);
    expect(q.getRun(again, run)?.status).toBe('interrupted');
    expect(q.getRun(again, run)?.dir).toBe(`runs/${run}`);
    again.close();
  });

  it('epoch records keep the best held-out loss and resume truncates what came after', () => {
    const db = openDb(tempFile());
    const ds = q.insertDataset(db, dataset('faces'), images, []);
    const config = runConfig(3);
    const run = q.insertRun(db, { name: 'r', datasetId: ds, config, dirFor: (id) => `runs/${id}` });
    const held = [120, 110, 115];
    held.forEach((h, i) => {
      q.insertStepMetric(db, run, {
        kind: 'step',
        step: i * 10 + 5,
        epoch: i,
        loss: h + 5,
        recon: h,
        kl: 5,
        heldOut: null,
        imagesPerSec: 1000,
      });
      q.recordEpoch(
        db,
        run,
        { kind: 'epoch', step: (i + 1) * 10, epoch: i + 1, loss: h, recon: h - 5, kl: 5, heldOut: h, imagesPerSec: 1000 },
        { epoch: i + 1, path: `e${i + 1}` },
        2,
      );
    });
    let r = q.getRun(db, run)!;
    expect([r.bestHeldOut, r.lastHeldOut, r.epochsDone, r.seconds]).toEqual([110, 115, 3, 6]);
    q.truncateMetricsAfter(db, run, 1);
    r = q.getRun(db, run)!;
    expect([r.bestHeldOut, r.lastHeldOut, r.epochsDone]).toEqual([120, 120, 1]);
    expect(q.listMetrics(db, run).map((m) => `${m.kind}${m.epoch}`)).toEqual(['step0', 'epoch1']);
    expect(q.latestCheckpoint(db, run)).toEqual({ epoch: 1, path: 'e1' });
    db.close();
  });

  it('keeps the checkpoint with the best held-out loss beside the newest two, and says its epoch', () => {
    const db = openDb(tempFile());
    const ds = q.insertDataset(db, dataset('faces'), images, []);
    const run = q.insertRun(db, { name: 'r', datasetId: ds, config: runConfig(5), dirFor: (id) => `runs/${id}` });
    [130, 110, 115, 120, 125].forEach((h, i) =>
      q.recordEpoch(
        db,
        run,
        { kind: 'epoch', step: (i + 1) * 10, epoch: i + 1, loss: h, recon: h - 5, kl: 5, heldOut: h, imagesPerSec: 1000 },
        { epoch: i + 1, path: `e${i + 1}` },
        1,
      ),
    );
    expect(q.checkpointPaths(db, run)).toEqual(['e5', 'e4', 'e2']);
    expect(q.bestCheckpoint(db, run)).toEqual({ epoch: 2, path: 'e2' });
    expect([q.getRun(db, run)!.bestHeldOut, q.getRun(db, run)!.bestEpoch]).toEqual([110, 2]);
    db.close();
  });
});
