// Datasets: list, probe a folder, browse the server's folders, import (a job), skipped files,
// rename, relabel (dataset-labels.ts), delete.
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AppFailure } from '../../../../shared/contract';
import type { Handlers } from '../../../../shared/contract';
import { browseFolder } from '../../data/browse';
import { probeFolder } from '../../data/folder';
import * as q from '../../store/queries';
import { datasetRecord, publicDataset, type Context } from '../context';
import { userPath } from '../../user-path';
import { dropDataset } from '../loaded';
import { labelSourceOf, startImport } from './import';
import { relabelDataset } from './labels';

/** A probe looks at no more than this many files, for no longer than this (then says truncated). */
export const PROBE_MAX_FILES = 100_000;
export const PROBE_BUDGET_MS = 10_000;

type DatasetMethods =
  | 'datasets:list'
  | 'datasets:probe'
  | 'datasets:browse'
  | 'datasets:import'
  | 'datasets:skipped'
  | 'datasets:rename'
  | 'datasets:relabel'
  | 'datasets:delete';

export function datasetHandlers(ctx: Context): Pick<Handlers, DatasetMethods> {
  return {
    async 'datasets:list'() {
      return q.listDatasets(ctx.db).map(publicDataset);
    },

    async 'datasets:probe'(a) {
      const path = userPath(a.path, ctx.opts.door);
      if (!existsSync(path)) throw new AppFailure('bad-input', `${path} does not exist`);
      // a job, so jobs:cancel stops it; bounded, so a huge tree (or a link loop of mounts) ends
      const bounds = { maxFiles: PROBE_MAX_FILES, deadline: Date.now() + PROBE_BUDGET_MS };
      const p = await ctx.jobs.run(
        'probe',
        `Looking at ${path}`,
        {},
        ({ signal }) => probeFolder(path, undefined, signal, labelSourceOf(a), bounds),
        (r) => `${r.imageFiles} image files${r.truncated ? ' (stopped at the bound)' : ''}`,
      );
      return { path, ...p };
    },

    async 'datasets:browse'(a) {
      return browseFolder(a.path, a.prefix);
    },

    async 'datasets:import'(a) {
      return { jobId: startImport(ctx, a) };
    },

    async 'datasets:skipped'(a) {
      datasetRecord(ctx, a.datasetId);
      return q.listSkipped(ctx.db, a.datasetId);
    },

    async 'datasets:rename'(a) {
      datasetRecord(ctx, a.datasetId);
      const other = q.findDatasetByName(ctx.db, a.name);
      if (other && other.id !== a.datasetId) throw new AppFailure('conflict', `a dataset named "${a.name}" exists already`);
      q.renameDataset(ctx.db, a.datasetId, a.name);
      ctx.emit('datasets:changed', { datasetId: a.datasetId });
      return publicDataset(datasetRecord(ctx, a.datasetId));
    },

    async 'datasets:relabel'(a) {
      return relabelDataset(ctx, a.datasetId, a.names);
    },

    async 'datasets:delete'(a) {
      const d = datasetRecord(ctx, a.datasetId);
      const runs = q.runsForDataset(ctx.db, a.datasetId);
      if (runs > 0)
        throw new AppFailure(
          'conflict',
          `dataset "${d.name}" has ${runs} run${runs > 1 ? 's' : ''}; delete ${runs > 1 ? 'them' : 'it'} first`,
        );
      q.deleteDataset(ctx.db, a.datasetId);
      dropDataset(ctx, a.datasetId);
      await unlink(join(ctx.dataDir, d.file)).catch(() => undefined);
      ctx.emit('datasets:changed', { datasetId: a.datasetId });
      return { deleted: true };
    },
  };
}
