// Editing a dataset's labels after the import (datasets:relabel): a rename and a merge change the
// label names, their counts, every image's label in the SQLite file and the dataset file
// together; refused where it would change what a CVAE's classes mean. Real SQLite, real files.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke } from '../../src/main/dispatch';
import { DB_FILE, openService, type LatentLabService } from '../../src/main/core/service';
import { readDatasetFile } from '../../src/main/core/data/dataset-file';
import { value } from './processes';

let dir: string;
let svc: LatentLabService;
let datasetId: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-relabel-'));
  const folder = join(dir, 'shapes');
  mkdirSync(folder);
  // three labels in the file names: a_0.png .. c_3.png, each a bar in its own row
  for (const [k, label] of ['a', 'b', 'c'].entries())
    for (let v = 0; v < 4; v++) {
      const px = Buffer.alloc(8 * 8, 10);
      px.fill(200 - v * 20, (k * 2 + 1) * 8, (k * 2 + 2) * 8);
      writeFileSync(
        join(folder, `${label}_${v}.png`),
        await sharp(px, { raw: { width: 8, height: 8, channels: 1 } })
          .png()
          .toBuffer(),
      );
    }
  svc = await openService({ dataDir: join(dir, 'data'), door: 'browser' });
  const { jobId } = value(
    await invoke(svc, 'datasets:import', { kind: 'folder', path: folder, side: 8, testShare: 0.25, labelsFrom: 'pattern' }),
  );
  datasetId = (await svc.waitForJob(jobId)).datasetId!;
});
afterAll(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The images' labels by file name, straight from the SQLite file, and the dataset's file name. */
function fromDb(): { labels: Record<string, number>; file: string; names: string[] } {
  const db = new Database(join(dir, 'data', DB_FILE), { readonly: true });
  try {
    const rows = db.prepare('SELECT source, label FROM images WHERE dataset_id = ? ORDER BY idx').all(datasetId) as {
      source: string;
      label: number;
    }[];
    const d = db.prepare('SELECT file, label_names FROM datasets WHERE id = ?').get(datasetId) as { file: string; label_names: string };
    const labels = Object.fromEntries(rows.map((r) => [r.source.replace(/^.*[/\\]/, ''), r.label]));
    return { labels, file: d.file, names: JSON.parse(d.label_names) as string[] };
  } finally {
    db.close();
  }
}

describe('datasets:relabel', () => {
  it('renames and merges labels in the database and the dataset file together', async () => {
    const before = fromDb();
    expect(before.names).toEqual(['a', 'b', 'c']);
    // a and b merge into "ant" (the first's place), c is renamed
    const info = value(await invoke(svc, 'datasets:relabel', { datasetId, names: ['ant', 'ant', ' cat '] }));
    expect(info.labelNames).toEqual(['ant', 'cat']);
    expect(info.labelCounts).toEqual([8, 4]);

    const after = fromDb();
    expect(after.names).toEqual(['ant', 'cat']);
    for (const [file, label] of Object.entries(after.labels)) expect(label).toBe(file.startsWith('c_') ? 1 : 0);
    // the file the trainer reads says the same, and the old one is gone
    expect(after.file).not.toBe(before.file);
    expect(existsSync(join(dir, 'data', before.file))).toBe(false);
    const ds = await readDatasetFile(join(dir, 'data', after.file));
    expect(ds.labelNames).toEqual(['ant', 'cat']);
    expect(Array.from(ds.labels)).toEqual(Object.values(after.labels));
    // the list and a training run see the new labels
    expect(value(await invoke(svc, 'datasets:list', {})).find((d) => d.id === datasetId)!.labelNames).toEqual(['ant', 'cat']);
  });

  it('refuses a list of the wrong length or an empty name, changing nothing', async () => {
    const before = fromDb();
    const short = await invoke(svc, 'datasets:relabel', { datasetId, names: ['x'] });
    expect(!short.ok && short.error.code).toBe('bad-args');
    expect(!short.ok && short.error.message).toMatch(/2 labels, 1 names/);
    const empty = await invoke(svc, 'datasets:relabel', { datasetId, names: ['x', '  '] });
    expect(!empty.ok && empty.error.code).toBe('bad-args');
    expect(fromDb()).toEqual(before);
  });

  it('keeps a CVAE’s classes: renames pass, merges are refused', async () => {
    const run = value(
      await invoke(svc, 'runs:start', { datasetId, config: { model: 'cvae', latent: 2, hidden: [8], epochs: 1, batch: 4, threads: 1 } }),
    );
    expect((await svc.waitForJob(run.jobId)).status).toBe('done');
    const merge = await invoke(svc, 'datasets:relabel', { datasetId, names: ['one', 'one'] });
    expect(!merge.ok && merge.error.code).toBe('conflict');
    expect(fromDb().names).toEqual(['ant', 'cat']);
    const rename = value(await invoke(svc, 'datasets:relabel', { datasetId, names: ['insect', 'cat'] }));
    expect(rename.labelNames).toEqual(['insect', 'cat']);
  });
});
