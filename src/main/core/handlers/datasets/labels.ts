// Edit a dataset's labels after the import: rename a label, or merge labels by giving them the
// same name. One list of new names, one per label in order; equal names merge into the first.
// The label names, their counts, every image's label (SQLite) and the dataset file change
// together: a new file is written first, the database switches to it in one transaction, and
// only then is the old file removed, so a failure at any step leaves the old labels whole.
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AppFailure, type DatasetInfo } from '../../../../shared/contract';
import { readDatasetFile, writeDatasetFile } from '../../data/dataset-file';
import * as q from '../../store/queries';
import { datasetRecord, publicDataset, type Context } from '../context';
import { dropDataset } from '../loaded';

export interface LabelPlan {
  /** the labels after the change, in the order of their first old label */
  names: string[];
  /** old label index -> new label index */
  map: number[];
  counts: number[];
}

/** What a list of new names does to the labels; refuses a list of the wrong length or with an empty name. */
export function planLabels(old: readonly string[], oldCounts: readonly number[], next: readonly string[]): LabelPlan {
  if (next.length !== old.length)
    throw new AppFailure('bad-args', `names: the dataset has ${old.length} labels, ${next.length} names were given (one per label)`);
  const names: string[] = [];
  const map = next.map((raw, i) => {
    const name = raw.trim();
    if (!name) throw new AppFailure('bad-args', `names: label ${i} ("${old[i]}") needs a name`);
    const at = names.indexOf(name);
    if (at >= 0) return at;
    names.push(name);
    return names.length - 1;
  });
  const counts = names.map(() => 0);
  oldCounts.forEach((c, i) => (counts[map[i]!]! += c));
  return { names, map, counts };
}

export async function relabelDataset(ctx: Context, datasetId: number, next: readonly string[]): Promise<DatasetInfo> {
  const d = datasetRecord(ctx, datasetId);
  const plan = planLabels(d.labelNames, d.labelCounts, next);
  const merges = plan.names.length < d.labelNames.length;
  if (merges) {
    // a CVAE's decoder takes the class by its index: merging would change what its classes mean
    const cvaes = q.listRuns(ctx.db).filter((r) => r.datasetId === datasetId && r.config.model === 'cvae');
    if (cvaes.length)
      throw new AppFailure(
        'conflict',
        `labels cannot be merged while a CVAE trained on them exists (${cvaes.map((r) => r.name).join(', ')}); renaming them is fine`,
      );
  }
  if (ctx.jobs.running('train').some((j) => j.datasetId === datasetId) || ctx.jobs.running('import').some((j) => j.datasetId === datasetId))
    throw new AppFailure('busy', `dataset "${d.name}" is in use by a running job; wait until it ends`);

  const oldPath = join(ctx.dataDir, d.file);
  let file = d.file;
  if (existsSync(oldPath)) {
    const ds = await readDatasetFile(oldPath);
    const labels = ds.labels.map((l) => (l >= 0 ? plan.map[l]! : l));
    file = d.file.replace(/(\.relabel\d+)?(\.[^./]*)?$/, (_, _r, ext: string | undefined) => `.relabel${Date.now()}${ext ?? ''}`);
    await writeDatasetFile(join(ctx.dataDir, file), { ...ds, labels, labelNames: plan.names });
  }
  try {
    const map = JSON.stringify(plan.map);
    ctx.db.transaction(() => {
      ctx.db
        .prepare(`UPDATE images SET label = json_extract(?, '$[' || label || ']') WHERE dataset_id = ? AND label >= 0`)
        .run(map, datasetId);
      ctx.db
        .prepare('UPDATE datasets SET label_names = ?, label_counts = ?, file = ? WHERE id = ?')
        .run(JSON.stringify(plan.names), JSON.stringify(plan.counts), file, datasetId);
    })();
  } catch (err) {
    if (file !== d.file) await unlink(join(ctx.dataDir, file)).catch(() => undefined);
    throw err;
  }
  dropDataset(ctx, datasetId);
  if (file !== d.file) await unlink(oldPath).catch(() => undefined);
  ctx.emit('datasets:changed', { datasetId });
  return publicDataset(datasetRecord(ctx, datasetId));
}
