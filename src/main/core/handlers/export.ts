// Export: a grid as a PNG (with the run and the spec in its text chunk, so the picture says
// how it was made), a run's metrics as CSV, a trained model in the app's format and as stock
// TensorFlow.js and ONNX models.
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { AppFailure, type Grid, type GridSpecParsed } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract';
import { writeFileAtomic } from '../export/atomic';
import { dialogAsked, fileDestination, fileExists, folderDestination } from '../export/destination';
import { toCsv } from '../export/csv';
import { drawLabels, type AxisLabels } from '../export/labels';
import { composeGrid, encodePng, type RawImage } from '../export/png';
import { exportStockModels } from '../export/stock';
import { writeFailure, writingTo } from '../export/write-error';
import { zipFolder } from '../export/zip-folder';
import * as q from '../store/queries';
import { exportTfjsModel } from '../train';
import { runRecord, type Context } from './context';
import { userPath, type Door } from '../user-path';
import { buildGrid } from './grids';
import { checkpointInUse } from './loaded';

const METRIC_COLUMNS = ['kind', 'epoch', 'step', 'loss', 'recon', 'kl', 'heldOut', 'imagesPerSec'];

export function exportHandlers(ctx: Context): Pick<Handlers, 'export:grid' | 'export:metrics' | 'export:model'> {
  return {
    async 'export:grid'(a) {
      const grid = await buildGrid(ctx, a.spec);
      const composed = composeGrid({
        tiles: grid.tiles,
        n: grid.n,
        height: grid.height,
        width: grid.width,
        channels: grid.channels,
        cols: grid.cols,
        scale: a.scale,
        gutter: a.gutter,
      });
      let raw: RawImage = composed;
      const text = settingsText(ctx, a.spec);
      if (a.labels) {
        // the labels go where composeGrid put the tiles: its layout, not a second reckoning
        const drawn = await drawLabels(composed, composed.layout, axisLabels(a.spec, grid));
        raw = drawn.image;
        // where the grid sits inside the labelled figure, so a reader can take it back out
        text['latent-lab:labels'] = JSON.stringify({ x: drawn.x, y: drawn.y });
      }
      if (grid.xValues) text['latent-lab:x-values'] = grid.xValues.map((v) => v.toFixed(4)).join(',');
      if (grid.yValues) text['latent-lab:y-values'] = grid.yValues.map((v) => v.toFixed(4)).join(',');
      const png = await encodePng(raw, text);
      let path: string | null = null;
      if (a.path) {
        const d = { door: ctx.opts.door, overwrite: a.overwrite };
        const to = (path = fileDestination(a.path, '.png', d, true, `${a.spec.kind}.png`));
        await writeExport(to, png, a.overwrite || dialogAsked(d));
      }
      return { path, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength), width: raw.width, height: raw.height };
    },

    async 'export:metrics'(a) {
      runRecord(ctx, a.runId);
      const csv = toCsv(q.listMetrics(ctx.db, a.runId) as unknown as Record<string, unknown>[], METRIC_COLUMNS);
      let path: string | null = null;
      if (a.path) {
        const d = { door: ctx.opts.door, overwrite: a.overwrite };
        const to = (path = fileDestination(a.path, '.csv', d, false, `run-${a.runId}-metrics.csv`));
        await writeExport(to, [Buffer.from(csv, 'utf8')], a.overwrite || dialogAsked(d));
      }
      return { path, csv };
    },

    async 'export:model'(a) {
      const run = runRecord(ctx, a.runId);
      const ckpt = checkpointInUse(ctx, run);
      if (!ckpt) throw new AppFailure('not-found', `run ${a.runId} has no checkpoint to export yet`);
      const from = join(ctx.dataDir, ckpt.path);
      // the app's own format (what bundles and resume read), then the stock models beside it
      const write = async (out: string) => [...(await exportTfjsModel(from, out)), ...(await exportStockModels(from, out))];
      if (a.path) {
        const out = folderDestination(a.path, { door: ctx.opts.door, overwrite: a.overwrite });
        return { path: out, files: await writingTo(out, () => write(out)), zip: null };
      }
      // no path: the folder is written in a scratch folder and comes back as one zip
      const name = `${run.name.replace(/[^\w.-]+/g, '-')}-model`;
      const scratch = await mkdtemp(join(tmpdir(), 'latent-lab-model-'));
      try {
        await writingTo(scratch, () => write(scratch));
        const { bytes, files } = await zipFolder(scratch, name);
        return { path: null, files, zip: { name: `${name}.zip`, bytes } };
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}

/** What an exported picture says of how it was made: the app, the spec and the run. */
export function settingsText(ctx: Context, spec: object & { runId?: number }): Record<string, string> {
  const text: Record<string, string> = { Software: `Latent Lab ${ctx.version}`, 'latent-lab:spec': JSON.stringify(spec) };
  if (spec.runId !== undefined) {
    const r = runRecord(ctx, spec.runId);
    text['latent-lab:run'] = JSON.stringify({ id: r.id, name: r.name, dataset: r.datasetName, epochs: r.epochsDone, config: r.config });
  }
  return text;
}

/**
 * The absolute path (user-path.ts), with `ext` added when it does not end so; a folder (one
 * that exists, or a path ending in a separator) gets `name` inside it, as every export does.
 */
export function withExtension(path: string, ext: string, door: Door, name = `export${ext}`): string {
  let p = userPath(path, door);
  if (/[\\/]$/.test(path) || isFolder(p)) p = join(p, name);
  return extname(p).toLowerCase() === ext ? p : p + ext;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing, or a file in the way: the write says which
  }
}

/** An export never replaces a file unless asked: refused before the work, and again at the write. */
export function refuseExisting(path: string | null, overwrite: boolean): void {
  if (path && !overwrite && existsSync(path)) throw fileExists(path);
}

export async function writeExport(path: string, data: Uint8Array | Uint8Array[], overwrite: boolean): Promise<void> {
  try {
    await writeFileAtomic(path, data, { overwrite });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw fileExists(path);
    throw writeFailure(path, e);
  }
}

/** What a grid's axes are called and marked with. */
function axisLabels(spec: GridSpecParsed, g: Grid): AxisLabels {
  const names: [string | undefined, string | undefined] =
    spec.kind === 'sweep'
      ? (g.axisNames ?? [`z${spec.dims[0]}`, `z${spec.dims[1]}`])
      : spec.kind === 'classes'
        ? [`z${spec.dim}`, undefined]
        : spec.kind === 'attribute'
          ? ['amount', undefined]
          : spec.kind === 'traverse'
            ? [g.axisNames?.[0], undefined]
            : [undefined, undefined];
  return { xValues: g.xValues, yValues: g.yValues, rowLabels: g.rowLabels, xName: names[0], yName: names[1] };
}
