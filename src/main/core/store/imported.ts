// A run that came in a bundle: its row, its metrics and its checkpoint in one transaction, so a
// failed import leaves no half a run behind. Always a new row: an import never overwrites a run.
import type { MetricRow, RunInfo, TrainConfigParsed } from '../../../shared/contract';
import type { Db } from './db';
import { insertStepMetric } from './queries';

export interface ImportedRun {
  name: string;
  datasetId: number;
  config: TrainConfigParsed;
  summary: Pick<
    RunInfo,
    'status' | 'backend' | 'epochsDone' | 'bestHeldOut' | 'lastHeldOut' | 'seconds' | 'createdAt' | 'startedAt' | 'finishedAt'
  >;
  metrics: MetricRow[];
  /** the checkpoint's folder relative to the data folder, given the new run's id */
  checkpointFor: (id: number) => { epoch: number; path: string };
  dirFor: (id: number) => string;
}

export function insertImportedRun(db: Db, r: ImportedRun): number {
  return db.transaction(() => {
    const s = r.summary;
    const info = db
      .prepare(
        `INSERT INTO runs (name, dataset_id, config, status, backend, created_at, started_at, finished_at, seconds, epochs_done,
           best_held_out, last_held_out, dir)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')`,
      )
      .run(
        r.name,
        r.datasetId,
        JSON.stringify(r.config),
        // a run cut short elsewhere cannot resume here (no optimizer state, no images)
        s.status === 'done' ? 'done' : 'cancelled',
        s.backend,
        s.createdAt,
        s.startedAt,
        s.finishedAt,
        s.seconds,
        s.epochsDone,
        s.bestHeldOut,
        s.lastHeldOut,
      );
    const id = Number(info.lastInsertRowid);
    db.prepare('UPDATE runs SET dir = ? WHERE id = ?').run(r.dirFor(id), id);
    for (const m of r.metrics) insertStepMetric(db, id, m);
    const c = r.checkpointFor(id);
    db.prepare('INSERT INTO checkpoints (run_id, epoch, path, held_out, created_at) VALUES (?, ?, ?, ?, ?)').run(
      id,
      c.epoch,
      c.path,
      s.lastHeldOut,
      new Date().toISOString(),
    );
    return id;
  })();
}
