// Queries on runs: their records, status and owners (db first).
import type { RunInfo, RunStatus, TrainConfigParsed } from '../../../shared/contract';
import type { Db } from './db';
import { now } from './clock';

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
