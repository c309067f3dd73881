// Queries: plain functions that take the database first. The renderer never sees SQL.
import type { DatasetInfo, MetricRow, RunInfo, RunStatus, SkippedFile, TrainConfigParsed } from '../../../shared/contract';
import type { PixelKind } from '../../../shared/train-defaults';
import type { Db } from './db';

const now = (): string => new Date().toISOString();

// ---------------------------------------------------------------- datasets

export interface NewDataset {
  name: string;
  kind: DatasetInfo['kind'];
  source: string;
  count: number;
  trainCount: number;
  testCount: number;
  height: number;
  width: number;
  channels: 1 | 3;
  labelNames: string[];
  labelCounts: number[];
  options: unknown;
  file: string;
  pixels?: PixelKind;
}

export interface NewImage {
  source: string | null;
  label: number;
  split: number;
}

interface DatasetRow {
  id: number;
  name: string;
  kind: DatasetInfo['kind'];
  source: string;
  created_at: string;
  count: number;
  train_count: number;
  test_count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  label_names: string;
  label_counts: string;
  file: string;
  skipped_count: number;
  run_count: number;
  pixels: PixelKind | null;
}

const datasetSelect = `
  SELECT d.*,
    (SELECT COUNT(*) FROM skipped s WHERE s.dataset_id = d.id) AS skipped_count,
    (SELECT COUNT(*) FROM runs r WHERE r.dataset_id = d.id) AS run_count
  FROM datasets d`;

function toDataset(r: DatasetRow): DatasetInfo & { file: string } {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    source: r.source,
    createdAt: r.created_at,
    count: r.count,
    trainCount: r.train_count,
    testCount: r.test_count,
    height: r.height,
    width: r.width,
    channels: r.channels,
    labelNames: JSON.parse(r.label_names) as string[],
    labelCounts: JSON.parse(r.label_counts) as number[],
    skippedCount: r.skipped_count,
    runCount: r.run_count,
    ...(r.pixels ? { pixels: r.pixels } : {}),
    file: r.file,
  };
}

/** Inserts the dataset, its images and its skipped files in one transaction. */
export function insertDataset(db: Db, d: NewDataset, images: NewImage[], skipped: SkippedFile[]): number {
  const insert = db.transaction(() => {
    const info = db
      .prepare(
        `INSERT INTO datasets (name, kind, source, created_at, count, train_count, test_count, height, width, channels,
           label_names, label_counts, options, file, pixels)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        d.name,
        d.kind,
        d.source,
        now(),
        d.count,
        d.trainCount,
        d.testCount,
        d.height,
        d.width,
        d.channels,
        JSON.stringify(d.labelNames),
        JSON.stringify(d.labelCounts),
        JSON.stringify(d.options ?? {}),
        d.file,
        d.pixels ?? null,
      );
    const id = Number(info.lastInsertRowid);
    const img = db.prepare('INSERT INTO images (dataset_id, idx, source, label, split) VALUES (?, ?, ?, ?, ?)');
    images.forEach((im, i) => img.run(id, i, im.source, im.label, im.split));
    const sk = db.prepare('INSERT INTO skipped (dataset_id, source, reason, detail) VALUES (?, ?, ?, ?)');
    for (const s of skipped) sk.run(id, s.path, s.reason, s.detail);
    return id;
  });
  return insert();
}

export function listDatasets(db: Db): (DatasetInfo & { file: string })[] {
  return (db.prepare(`${datasetSelect} ORDER BY d.id`).all() as DatasetRow[]).map(toDataset);
}

export function getDataset(db: Db, id: number): (DatasetInfo & { file: string }) | undefined {
  const r = db.prepare(`${datasetSelect} WHERE d.id = ?`).get(id) as DatasetRow | undefined;
  return r && toDataset(r);
}

export function findDatasetByName(db: Db, name: string): (DatasetInfo & { file: string }) | undefined {
  const r = db.prepare(`${datasetSelect} WHERE d.name = ?`).get(name) as DatasetRow | undefined;
  return r && toDataset(r);
}

export function renameDataset(db: Db, id: number, name: string): void {
  db.prepare('UPDATE datasets SET name = ? WHERE id = ?').run(name, id);
}

export function deleteDataset(db: Db, id: number): void {
  db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
}

export function listSkipped(db: Db, datasetId: number): SkippedFile[] {
  return db.prepare('SELECT source AS path, reason, detail FROM skipped WHERE dataset_id = ? ORDER BY id').all(datasetId) as SkippedFile[];
}

export function imageSources(db: Db, datasetId: number, indices: number[]): (string | null)[] {
  const q = db.prepare('SELECT source FROM images WHERE dataset_id = ? AND idx = ?');
  return indices.map((i) => (q.get(datasetId, i) as { source: string | null } | undefined)?.source ?? null);
}

// ---------------------------------------------------------------- runs

interface RunRow {
  id: number;
  name: string;
  dataset_id: number;
  dataset_name: string;
  config: string;
  status: RunStatus;
  backend: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  seconds: number;
  epochs_done: number;
  best_held_out: number | null;
  last_held_out: number | null;
  best_epoch: number | null;
  dir: string;
}

export type RunRecord = Omit<RunInfo, 'jobId'> & { dir: string };

function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    name: r.name,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    config: JSON.parse(r.config) as TrainConfigParsed,
    status: r.status,
    backend: r.backend,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    seconds: r.seconds,
    epochsDone: r.epochs_done,
    bestHeldOut: r.best_held_out,
    bestEpoch: r.best_epoch,
    lastHeldOut: r.last_held_out,
    dir: r.dir,
  };
}

const runSelect = `SELECT r.*, d.name AS dataset_name,
    (SELECT c.epoch FROM checkpoints c WHERE c.run_id = r.id AND c.held_out IS NOT NULL ORDER BY c.held_out ASC, c.epoch DESC LIMIT 1) AS best_epoch
  FROM runs r JOIN datasets d ON d.id = r.dataset_id`;

export function insertRun(
  db: Db,
  r: { name: string; datasetId: number; config: TrainConfigParsed; dirFor: (id: number) => string },
): number {
  const tx = db.transaction(() => {
    const info = db
      .prepare(`INSERT INTO runs (name, dataset_id, config, status, created_at, dir) VALUES (?, ?, ?, 'queued', ?, '')`)
      .run(r.name, r.datasetId, JSON.stringify(r.config), now());
    const id = Number(info.lastInsertRowid);
    db.prepare('UPDATE runs SET dir = ? WHERE id = ?').run(r.dirFor(id), id);
    return id;
  });
  return tx();
}

export function listRuns(db: Db): RunRecord[] {
  return (db.prepare(`${runSelect} ORDER BY r.id DESC`).all() as RunRow[]).map(toRun);
}

export function getRun(db: Db, id: number): RunRecord | undefined {
  const r = db.prepare(`${runSelect} WHERE r.id = ?`).get(id) as RunRow | undefined;
  return r && toRun(r);
}

export function lastRunId(db: Db): number | undefined {
  return (db.prepare('SELECT MAX(id) AS id FROM runs').get() as { id: number | null }).id ?? undefined;
}

export function runsForDataset(db: Db, datasetId: number): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM runs WHERE dataset_id = ?').get(datasetId) as { n: number }).n;
}

export function markRunStarted(db: Db, id: number, backend: string, ownerPid = process.pid): void {
  db.prepare(
    `UPDATE runs SET status = 'running', backend = ?, error = NULL, started_at = COALESCE(started_at, ?), finished_at = NULL, owner_pid = ? WHERE id = ?`,
  ).run(backend, now(), ownerPid, id);
}

/** A run waiting for its worker belongs to this process too. */
export function markRunQueued(db: Db, id: number, ownerPid = process.pid): void {
  db.prepare(`UPDATE runs SET status = 'queued', error = NULL, finished_at = NULL, owner_pid = ? WHERE id = ?`).run(ownerPid, id);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function setRunStatus(db: Db, id: number, status: RunStatus, error: string | null = null): void {
  const finished = status === 'running' || status === 'queued' ? null : now();
  db.prepare('UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ?').run(status, error, finished, id);
}

export function renameRun(db: Db, id: number, name: string): void {
  db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(name, id);
}

export function deleteRun(db: Db, id: number): void {
  db.prepare('DELETE FROM runs WHERE id = ?').run(id);
}

/** At open: runs a crash left `running` or `queued` become `interrupted`, so they can be resumed.
 * A run whose training process is still alive (another window or CLI on the same folder) is left alone. */
export function markCrashedRuns(
  db: Db,
  isAlive: (pid: number) => boolean = processAlive,
  /** an ending the database refused (a full disk), kept in the run's folder (handlers/run-ending.ts) */
  keptEnding: (dir: string) => { status: 'failed' | 'cancelled'; reason: string | null } | null = () => null,
): number {
  const rows = db.prepare(`SELECT id, owner_pid AS pid, dir FROM runs WHERE status IN ('running', 'queued')`).all() as {
    id: number;
    pid: number | null;
    dir: string;
  }[];
  const mark = db.prepare(`UPDATE runs SET status = 'interrupted', error = 'the app stopped while this run was training' WHERE id = ?`);
  let n = 0;
  for (const r of rows) {
    if (r.pid !== null && r.pid !== process.pid && isAlive(r.pid)) continue;
    const kept = keptEnding(r.dir);
    if (kept) setRunStatus(db, r.id, kept.status, kept.reason);
    else mark.run(r.id);
    n++;
  }
  return n;
}

// ---------------------------------------------------------------- metrics and checkpoints

export function insertStepMetric(db: Db, runId: number, m: MetricRow): void {
  db.prepare(
    'INSERT INTO metrics (run_id, kind, step, epoch, loss, recon, kl, held_out, images_per_sec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(runId, m.kind, m.step, m.epoch, m.loss, m.recon, m.kl, m.heldOut, m.imagesPerSec);
}

/** Checkpoint folders a run keeps: those of its newest two recorded epochs (see checkpointPaths). */
export const KEEP_CHECKPOINTS = 2;

/** An epoch's metric, its checkpoint and the run's summary, in one transaction. */
export function recordEpoch(
  db: Db,
  runId: number,
  m: MetricRow & { heldOut: number },
  checkpoint: { epoch: number; path: string },
  seconds: number,
): void {
  db.transaction(() => {
    insertStepMetric(db, runId, m);
    db.prepare('INSERT OR REPLACE INTO checkpoints (run_id, epoch, path, held_out, created_at) VALUES (?, ?, ?, ?, ?)').run(
      runId,
      checkpoint.epoch,
      checkpoint.path,
      m.heldOut,
      now(),
    );
    db.prepare(
      `UPDATE runs SET epochs_done = ?, last_held_out = ?, seconds = seconds + ?,
         best_held_out = CASE WHEN best_held_out IS NULL OR ? < best_held_out THEN ? ELSE best_held_out END
       WHERE id = ?`,
    ).run(checkpoint.epoch, m.heldOut, seconds, m.heldOut, m.heldOut, runId);
  })();
}

/** Resume starts after the last checkpoint: drop what was logged past it. */
export function truncateMetricsAfter(db: Db, runId: number, epochsDone: number): void {
  db.transaction(() => {
    db.prepare(`DELETE FROM metrics WHERE run_id = ? AND ((kind = 'step' AND epoch >= ?) OR (kind = 'epoch' AND epoch > ?))`).run(
      runId,
      epochsDone,
      epochsDone,
    );
    db.prepare('DELETE FROM checkpoints WHERE run_id = ? AND epoch > ?').run(runId, epochsDone);
    const best = db.prepare(`SELECT MIN(held_out) AS b, MAX(epoch) AS e FROM metrics WHERE run_id = ? AND kind = 'epoch'`).get(runId) as {
      b: number | null;
      e: number | null;
    };
    const last = db
      .prepare(`SELECT held_out AS h FROM metrics WHERE run_id = ? AND kind = 'epoch' ORDER BY epoch DESC LIMIT 1`)
      .get(runId) as { h: number | null } | undefined;
    db.prepare('UPDATE runs SET epochs_done = ?, best_held_out = ?, last_held_out = ? WHERE id = ?').run(
      best.e ?? 0,
      best.b,
      last?.h ?? null,
      runId,
    );
  })();
}

export function listMetrics(db: Db, runId: number, kind?: 'step' | 'epoch'): MetricRow[] {
  const sql = `SELECT kind, step, epoch, loss, recon, kl, held_out AS heldOut, images_per_sec AS imagesPerSec
               FROM metrics WHERE run_id = ? ${kind ? 'AND kind = ?' : ''} ORDER BY step, kind DESC`;
  const args: unknown[] = kind ? [runId, kind] : [runId];
  return db.prepare(sql).all(...args) as MetricRow[];
}

/**
 * The checkpoint folders the database references (relative to the data folder): those of the
 * newest KEEP_CHECKPOINTS epochs it records. Older rows stay as the epochs' history; their
 * folders are let go.
 */
export function checkpointPaths(db: Db, runId: number): string[] {
  const rows = db.prepare('SELECT path FROM checkpoints WHERE run_id = ? ORDER BY epoch DESC LIMIT ?').all(runId, KEEP_CHECKPOINTS);
  const paths = (rows as { path: string }[]).map((r) => r.path);
  // and the best held-out bound's, the model a finished run is explored with
  const best = bestCheckpoint(db, runId);
  if (best && !paths.includes(best.path)) paths.push(best.path);
  return paths;
}

/** The checkpoint with the best (lowest) held-out loss, the latest of equals; undefined before the first epoch. */
export function bestCheckpoint(db: Db, runId: number): { epoch: number; path: string } | undefined {
  return db
    .prepare('SELECT epoch, path FROM checkpoints WHERE run_id = ? AND held_out IS NOT NULL ORDER BY held_out ASC, epoch DESC LIMIT 1')
    .get(runId) as { epoch: number; path: string } | undefined;
}

/** The checkpoints the database records for a run, newest first. */
export function listCheckpoints(db: Db, runId: number): { epoch: number; path: string }[] {
  return db.prepare('SELECT epoch, path FROM checkpoints WHERE run_id = ? ORDER BY epoch DESC').all(runId) as {
    epoch: number;
    path: string;
  }[];
}

export function latestCheckpoint(db: Db, runId: number): { epoch: number; path: string } | undefined {
  return db.prepare('SELECT epoch, path FROM checkpoints WHERE run_id = ? ORDER BY epoch DESC LIMIT 1').get(runId) as
    { epoch: number; path: string } | undefined;
}

export function insertEvaluation(
  db: Db,
  e: {
    runId: number;
    epoch: number;
    images: number;
    k: number;
    elbo: number;
    iwae: number | null;
    mse: number;
    psnr: number;
    activeUnits: number;
    accuracy: number | null;
  },
): void {
  db.prepare(
    `INSERT INTO evaluations (run_id, epoch, images, k, elbo, iwae, mse, psnr, active_units, accuracy, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(e.runId, e.epoch, e.images, e.k, e.elbo, e.iwae, e.mse, e.psnr, e.activeUnits, e.accuracy, now());
}
