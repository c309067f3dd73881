// Run bundles: a run exported as one file (export/bundle.ts) and imported into any data folder,
// where it explores and samples without the images it was trained on. An import is checked in
// a temporary folder (the weights must build the model its config and shape say) before any
// row is written, and is always a new run.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppFailure } from '../../../../shared/contract';
import type { Handlers } from '../../../dispatch';
import { writeDatasetFile } from '../../data/dataset-file';
import { readOwnFile, readOwnText } from '../../data/own-file';
import { BUNDLE_DIMS, packBundle, unpackBundle, type BundleHeader } from '../../export/bundle';
import { insertImportedRun } from '../../store/imported';
import * as q from '../../store/queries';
import { epochDirName, loadRunModel, type CheckpointJson } from '../../train/checkpoint';
import { runInfo } from './info';
import { datasetRecord, publicDataset, runRecord, type Context } from '../context';
import { refuseExisting, withExtension, writeExport } from '../export';
import { userPath } from '../../user-path';
import { exploreHandlers } from '../explore';

/** a run bundle is one model's weights and a few kilobytes beside them; Node reads no larger file whole */
const BUNDLE_MAX_BYTES = 2 * 1024 ** 3 - 1;

export function bundleHandlers(ctx: Context): Pick<Handlers, 'runs:export' | 'runs:import'> {
  return {
    async 'runs:export'(a) {
      const r = runRecord(ctx, a.runId);
      const ckpt = q.latestCheckpoint(ctx.db, r.id);
      if (!ckpt) throw new AppFailure('not-found', `run ${r.id} has no checkpoint to export yet`);
      const path = a.path ? withExtension(a.path, '.llrun', ctx.opts.door, `run-${a.runId}.llrun`) : null;
      refuseExisting(path, a.overwrite);
      const dir = join(ctx.dataDir, ckpt.path);
      const checkpoint = JSON.parse(await readOwnText(join(dir, 'model.json'), BUNDLE_MAX_BYTES)) as CheckpointJson;
      const weights = await readOwnFile(join(dir, checkpoint.weightsManifest[0]?.paths[0] ?? 'weights.bin'), BUNDLE_MAX_BYTES);
      const d = datasetRecord(ctx, r.datasetId);
      const dims: BundleHeader['dims'] = {};
      const explore = exploreHandlers(ctx);
      const T = r.config.model === 'hvae' ? (r.config.levels ?? 2) : 1;
      for (let level = 1; level <= T; level++) {
        const { testIndices: _t, ...ranked } = await explore['explore:dims']({ runId: r.id, level });
        dims[level] = ranked;
      }
      const bytes = packBundle(
        {
          generatedBy: `Latent Lab ${ctx.version}`,
          run: {
            name: r.name,
            config: r.config,
            status: r.status,
            backend: r.backend,
            epochsDone: ckpt.epoch,
            bestHeldOut: r.bestHeldOut,
            lastHeldOut: r.lastHeldOut,
            seconds: r.seconds,
            createdAt: r.createdAt,
            startedAt: r.startedAt,
            finishedAt: r.finishedAt,
          },
          dataset: {
            name: d.name,
            kind: d.kind,
            height: d.height,
            width: d.width,
            channels: d.channels,
            labelNames: d.labelNames,
            count: d.count,
          },
          metrics: q.listMetrics(ctx.db, r.id).filter((m) => m.epoch <= ckpt.epoch),
          dims,
          checkpoint,
        },
        weights,
      );
      if (path) await writeExport(path, bytes, a.overwrite);
      const size = bytes.reduce((s, p) => s + p.length, 0);
      const all = path ? null : new Uint8Array(Buffer.concat(bytes));
      return { path, size, epoch: ckpt.epoch, metricEpochs: r.epochsDone, bytes: all };
    },

    async 'runs:import'(a) {
      const path = a.path ? userPath(a.path, ctx.opts.door) : undefined;
      const name = path ? basename(path) : (a.fileName ?? 'the bundle');
      const bytes = path
        ? await readOwnFile(path, BUNDLE_MAX_BYTES).catch((e: NodeJS.ErrnoException) => {
            // a FIFO or a device in its place, or a file too large: said as such
            if (e.code === undefined) throw new AppFailure('bad-input', e.message);
            return null;
          })
        : a.bytes;
      if (!bytes) throw new AppFailure('not-found', `cannot read ${path}`);
      let bundle: ReturnType<typeof unpackBundle>;
      try {
        bundle = unpackBundle(bytes, name);
      } catch (e) {
        throw new AppFailure('bad-input', (e as Error).message);
      }
      const { header, weights } = bundle;
      const staging = join(ctx.dataDir, 'runs', `.import-${process.pid}-${Date.now().toString(36)}`);
      try {
        const epochDir = await stageCheckpoint(staging, header, weights, name);
        const ds = header.dataset;
        const file = join('datasets', `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.lld`);
        // the shape and the label names only: explore and sample work, what needs images says so
        await writeDatasetFile(join(ctx.dataDir, file), {
          n: 0,
          height: ds.height,
          width: ds.width,
          channels: ds.channels,
          pixels: new Uint8Array(0),
          labels: new Int32Array(0),
          split: new Uint8Array(0),
          labelNames: ds.labelNames,
        });
        const datasetId = q.insertDataset(
          ctx.db,
          {
            name: uniqueName(ctx, ds.name),
            kind: ds.kind,
            source: `bundle: ${name}`,
            count: 0,
            trainCount: 0,
            testCount: 0,
            height: ds.height,
            width: ds.width,
            channels: ds.channels,
            labelNames: ds.labelNames,
            labelCounts: ds.labelNames.map(() => 0),
            options: { bundle: { file: name, images: ds.count } },
            file,
          },
          [],
          [],
        );
        const runId = insertImportedRun(ctx.db, {
          name: a.name ?? header.run.name,
          datasetId,
          config: header.run.config,
          summary: header.run,
          metrics: header.metrics,
          dirFor: (id) => join('runs', String(id)),
          checkpointFor: (id) => ({ epoch: header.run.epochsDone, path: join('runs', String(id), 'checkpoints', epochDir) }),
        });
        await rename(staging, join(ctx.dataDir, 'runs', String(runId)));
        ctx.emit('datasets:changed', { datasetId });
        ctx.emit('runs:changed', { runId });
        return { run: runInfo(ctx, runRecord(ctx, runId)), dataset: publicDataset(datasetRecord(ctx, datasetId)) };
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Writes the checkpoint as the run's config and the dataset's shape describe it, then builds
 * the model from it: weights that do not fit are refused here, before anything is recorded.
 */
async function stageCheckpoint(staging: string, h: BundleHeader, weights: Uint8Array, name: string): Promise<string> {
  const epochDir = epochDirName(h.run.epochsDone);
  const dir = join(staging, 'checkpoints', epochDir);
  await mkdir(dir, { recursive: true });
  const top = h.checkpoint.modelTopology;
  const config = { ...top.config };
  for (const [k, v] of Object.entries(h.run.config)) if (v !== undefined && k in config) (config as Record<string, unknown>)[k] = v;
  const json: CheckpointJson = {
    ...h.checkpoint,
    modelTopology: {
      ...top,
      config,
      shape: { height: h.dataset.height, width: h.dataset.width, channels: h.dataset.channels },
      numClasses: h.dataset.labelNames.length,
      labelNames: h.dataset.labelNames,
    },
    weightsManifest: [{ paths: ['weights.bin'], weights: h.checkpoint.weightsManifest.flatMap((g) => g.weights) }],
    // no optimizer state travels: the run explores here, it does not train on
    trainingState: { ...h.checkpoint.trainingState, optimizer: { ...h.checkpoint.trainingState.optimizer, weights: [] } },
  };
  await writeFile(join(dir, 'weights.bin'), weights);
  await writeFile(join(dir, 'optimizer.bin'), new Uint8Array(0));
  await writeFile(join(dir, 'model.json'), JSON.stringify(json, null, 1));
  await writeFile(join(staging, 'checkpoints', 'latest'), `${epochDir}\n`);
  await writeFile(join(staging, BUNDLE_DIMS), JSON.stringify(h.dims));
  try {
    (await loadRunModel(dir)).dispose();
  } catch (e) {
    const shape = `${h.dataset.width}x${h.dataset.height}x${h.dataset.channels}`;
    throw new AppFailure(
      'bad-input',
      `${name}: the weights do not match the run's config (${h.run.config.model}, latent ${h.run.config.latent}, ${shape} images): ${(e as Error).message}`,
    );
  }
  return epochDir;
}

function uniqueName(ctx: Context, base: string): string {
  let name = base;
  for (let i = 2; q.findDatasetByName(ctx.db, name); i++) name = `${base} (${i})`;
  return name;
}
