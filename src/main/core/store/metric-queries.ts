// Queries on a run's metrics, checkpoints and evaluations (db first).
import type { MetricRow } from '../../../shared/contract';
import type { Db } from './db';
import { now } from './clock';

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
