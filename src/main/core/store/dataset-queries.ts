// Queries on datasets, their images and the files an import skipped (db first).
import type { DatasetInfo, SkippedFile } from '../../../shared/contract';
import type { PixelKind } from '../../../shared/train-defaults';
import type { Db } from './db';
import { now } from './clock';

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
