// Checkpoints: runDir/checkpoints/epoch-000N/ with model.json (a TF.js-like weights manifest
// plus our config and training state), weights.bin and optimizer.bin. One order survives a
// crash at every point: write epoch-000N.tmp/, fsync its files and itself, rename, fsync the
// folder, swap `latest`; the service then commits the epoch to its database, and only after
// that removes the checkpoints the database no longer references (pruneCheckpoints). A
// resume starts from the database's checkpoint, never from one the database does not know.
import { open, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readOwnFile, readOwnText } from '../data/own-file.js';
import { writeFileAtomic } from '../export/atomic.js';
import { killPoint } from '../kill-point.js';
import type { NamedWeight } from '../model/layers.js';
import { createModel, type ImageShape, type NormalizedModelConfig, type VaeModel } from '../model/vae.js';
import type { TrainConfig } from '../types.js';

export const CHECKPOINT_FORMAT = 'latent-lab-checkpoint';
export const CHECKPOINT_VERSION = 1;
const KEEP = 2;

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface TrainingState {
  /** epochs completed */
  epoch: number;
  /** global steps completed */
  step: number;
  seed: number;
  backend: string;
  heldOut: number;
  optimizer: {
    name: 'adam';
    learningRate: number;
    beta1: number;
    beta2: number;
    epsilon: number;
    /** Adam's step count t */
    iterations: number;
    /** moments in optimizer.bin: every first moment, then every second moment */
    weights: WeightSpec[];
  };
}

export interface ModelTopology {
  config: TrainConfig & NormalizedModelConfig;
  shape: ImageShape;
  numClasses: number;
  labelNames: string[];
}

export interface CheckpointJson {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  generatedBy: string;
  modelTopology: ModelTopology;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  trainingState: TrainingState;
}

export interface CheckpointData {
  json: CheckpointJson;
  weights: NamedWeight[];
  /** Adam moments, named like the weights with /m and /v */
  optimizer: NamedWeight[];
}

export function checkpointsDir(runDir: string): string {
  return join(runDir, 'checkpoints');
}

export function epochDirName(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, '0')}`;
}

function concatFloats(ws: NamedWeight[]): Uint8Array {
  const total = ws.reduce((s, w) => s + w.data.length, 0);
  const out = new Float32Array(total);
  let o = 0;
  for (const w of ws) {
    out.set(w.data, o);
    o += w.data.length;
  }
  return new Uint8Array(out.buffer);
}

/** model.json is a few kilobytes; a file far beyond it was not written by us */
const JSON_MAX_BYTES = 16 * 1024 ** 2;

const floatCount = (specs: WeightSpec[]) => specs.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);

/** A weights file, refused before reading when it is not a regular file or is larger than its manifest says. */
async function readFloats(file: string, specs: WeightSpec[]): Promise<NamedWeight[]> {
  return splitFloats(await readOwnFile(file, floatCount(specs) * 4), specs, file);
}

function splitFloats(bytes: Buffer, specs: WeightSpec[], file: string): NamedWeight[] {
  const need = floatCount(specs);
  if (bytes.byteLength !== need * 4)
    throw new Error(`checkpoint file ${file} has ${bytes.byteLength} bytes, the manifest needs ${need * 4}`);
  // copy into an aligned buffer: a Buffer from readFile may sit at any byte offset of a pool
  const all = new Float32Array(need);
  new Uint8Array(all.buffer).set(bytes);
  let o = 0;
  return specs.map((s) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = all.subarray(o, o + n);
    o += n;
    return { name: s.name, shape: s.shape, data };
  });
}

async function writeSynced(path: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes a rename or a new file in the folder durable (a no-op where folders cannot be opened). */
async function syncDir(path: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r');
    await fh.sync();
  } catch {
    // Windows cannot fsync a folder; its renames are durable on NTFS
  } finally {
    await fh?.close();
  }
}

/**
 * Writes a checkpoint atomically and durably and points `latest` at it. Returns its dir.
 * `prune` (the trainer on its own) keeps the newest two here; a caller with a database
 * passes false and prunes after its commit.
 */
export async function writeCheckpoint(runDir: string, data: CheckpointData, opts: { prune?: boolean } = {}): Promise<string> {
  const dir = checkpointsDir(runDir);
  await mkdir(dir, { recursive: true });
  const epoch = data.json.trainingState.epoch;
  const name = epochDirName(epoch);
  const tmp = join(dir, `${name}.tmp`);
  const final = join(dir, name);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp);
  await writeSynced(join(tmp, 'weights.bin'), concatFloats(data.weights));
  await writeSynced(join(tmp, 'optimizer.bin'), concatFloats(data.optimizer));
  await writeSynced(join(tmp, 'model.json'), JSON.stringify(data.json, null, 1));
  await syncDir(tmp);
  killPoint('checkpoint:written', epoch);
  // a checkpoint of the same epoch from an earlier, abandoned attempt gives way
  await rm(final, { recursive: true, force: true });
  await rename(tmp, final);
  await syncDir(dir);
  killPoint('checkpoint:renamed', epoch);
  await writeFileAtomic(join(dir, 'latest'), `${name}\n`);
  killPoint('checkpoint:latest', epoch);
  if (opts.prune === false) return final;
  const old = (await readdir(dir)).filter((n) => /^epoch-\d+$/.test(n) && n !== name).sort();
  const newer = old.filter((n) => n > name);
  // keep the newest KEEP by epoch number, plus nothing newer than the one just written
  // (those belong to a timeline a resume abandoned)
  for (const n of newer) await rm(join(dir, n), { recursive: true, force: true });
  const older = old.filter((n) => n < name);
  for (const n of older.slice(0, Math.max(0, older.length - (KEEP - 1)))) await rm(join(dir, n), { recursive: true, force: true });
  return final;
}

/** The checkpoint `latest` points to, or null when the run has none. */
export async function latestCheckpointDir(runDir: string): Promise<string | null> {
  const dir = checkpointsDir(runDir);
  let name: string;
  try {
    name = (await readOwnText(join(dir, 'latest'), 4096)).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (!/^epoch-\d+$/.test(name)) throw new Error(`${join(dir, 'latest')} does not name a checkpoint: "${name.slice(0, 40)}"`);
  return join(dir, name);
}

export async function readCheckpointJson(checkpointDir: string): Promise<CheckpointJson> {
  const file = join(checkpointDir, 'model.json');
  let json: CheckpointJson;
  try {
    json = JSON.parse(await readOwnText(file, JSON_MAX_BYTES)) as CheckpointJson;
  } catch (err) {
    throw new Error(`cannot read checkpoint ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (json.format !== CHECKPOINT_FORMAT) throw new Error(`${file} is not a Latent Lab checkpoint (format "${String(json.format)}")`);
  if (json.version > CHECKPOINT_VERSION)
    throw new Error(`${file} was written by a newer Latent Lab (checkpoint version ${json.version}); update the app`);
  return json;
}

export async function readCheckpoint(checkpointDir: string, withOptimizer: boolean): Promise<CheckpointData> {
  const json = await readCheckpointJson(checkpointDir);
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  if (paths.length !== 1) throw new Error(`checkpoint ${checkpointDir}: expected one weights file, the manifest lists ${paths.length}`);
  const wFile = join(checkpointDir, paths[0]!);
  const weights = await readFloats(wFile, specs);
  let optimizer: NamedWeight[] = [];
  if (withOptimizer) {
    const oFile = join(checkpointDir, 'optimizer.bin');
    optimizer = await readFloats(oFile, json.trainingState.optimizer.weights);
  }
  return { json, weights, optimizer };
}

/** A model rebuilt from a checkpoint, for exploring. */
export type LoadedModel = VaeModel & {
  trainConfig: TrainConfig;
  labelNames: string[];
  /** epochs completed when the checkpoint was written */
  epoch: number;
  checkpointDir: string;
};

/** Rebuilds the model of a checkpoint (on the current backend: call initBackend first). */
export async function loadRunModel(checkpointDir: string): Promise<LoadedModel> {
  const { json, weights } = await readCheckpoint(checkpointDir, false);
  const t = json.modelTopology;
  const model = createModel(t.config, t.shape, t.numClasses, t.config.seed);
  try {
    model.setWeights(weights);
  } catch (err) {
    model.dispose();
    throw new Error(`checkpoint ${checkpointDir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return Object.assign(model, {
    trainConfig: t.config,
    labelNames: t.labelNames,
    epoch: json.trainingState.epoch,
    checkpointDir: resolve(checkpointDir),
  });
}

/**
 * Writes the model in TensorFlow.js weights-manifest form: outDir/model.json (our topology
 * as JSON + weightsManifest, loadable with tf.io.loadWeights) and outDir/weights.bin.
 * Returns the files written.
 */
export async function exportTfjsModel(checkpointDir: string, outDir: string): Promise<string[]> {
  const { json, weights } = await readCheckpoint(checkpointDir, false);
  await mkdir(outDir, { recursive: true });
  const specs = weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const }));
  const model = {
    format: 'latent-lab-vae',
    generatedBy: json.generatedBy,
    convertedBy: null,
    modelTopology: json.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    userDefinedMetadata: { epoch: json.trainingState.epoch, heldOutNats: json.trainingState.heldOut },
  };
  const files = [join(outDir, 'weights.bin'), join(outDir, 'model.json')];
  await writeFileAtomic(files[0]!, concatFloats(weights));
  await writeFileAtomic(files[1]!, JSON.stringify(model, null, 1));
  return files.map((f) => resolve(f));
}

/**
 * Removes the checkpoints the database no longer references: every epoch-* folder not in
 * `keep` and numbered below `below` (a folder above it may be the one a running trainer has
 * just renamed, not yet committed). Without `below` (nothing trains) also the newer ones and
 * the *.tmp leftovers of a crash.
 */
export async function pruneCheckpoints(runDir: string, keep: string[], below?: number): Promise<void> {
  const kept = new Set(keep.map((k) => k.replace(/\/+$/, '').split(/[\\/]/).pop()));
  await removeEntries(runDir, (n) => {
    const m = /^epoch-(\d+)(\.tmp)?$/.exec(n);
    if (!m || kept.has(n)) return false;
    return below === undefined || (!m[2] && Number(m[1]) < below);
  });
}

/** Removes a leftover epoch-*.tmp (a crash during a write). */
export async function cleanTemp(runDir: string): Promise<void> {
  await removeEntries(runDir, (n) => n.endsWith('.tmp'));
}

async function removeEntries(runDir: string, match: (name: string) => boolean): Promise<void> {
  const dir = checkpointsDir(runDir);
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const n of names) if (match(n)) await rm(join(dir, n), { recursive: true, force: true });
}
