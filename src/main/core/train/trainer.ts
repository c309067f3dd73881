// The training loop: Adam over shuffled mini-batches, throttled progress, cancel between
// steps, held-out negative ELBO and an atomic checkpoint per epoch, resume from the last one.
// Runs on whatever thread calls it; run-worker.ts puts it in a worker thread.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, releaseBackend, withThreads, type BackendInfo } from '../backend.js';
import { readDatasetFile } from '../data/dataset-file.js';
import type { NamedWeight } from '../model/layers.js';
import { deriveSeed, Rng } from '../model/rng.js';
import { createModel, normalizeModelConfig, type VaeModel } from '../model/vae.js';
import { outOfRange, TRAIN_LIMITS } from '../../../shared/limits';
import type { Dataset, EpochResult, TrainConfig } from '../types.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  cleanTemp,
  latestCheckpointDir,
  readCheckpoint,
  writeCheckpoint,
  type CheckpointJson,
  type ModelTopology,
} from './checkpoint.js';
import { ADAM, type OptimizerState } from './adam.js';
import { collapseWarning } from './collapse.js';
import { fillBatch, SALT } from './batch.js';
import { parallelStepEngine } from './data-parallel.js';
import { trainEpoch } from './epoch.js';
import { defaultTrainingThreads } from './threads.js';
import { defaultWorkerEntry } from '../workers/run.js';
import { localStepEngine, type StepEngine } from './step.js';
import type { TrainEvent, TrainJobSpec, TrainOutcome } from './types.js';

/** how often the loop lets the event loop run (cancel messages, I/O) */
const YIELD_MS = 40;
const EVAL_BATCH = 500;
/**
 * Steps whose losses are read back together. A GPU runs ahead of the CPU only while nothing
 * is read back; Dawn crashed with hundreds of steps queued unread, so never more than this.
 */
const GPU_READ_EVERY = 20;

export function validateTrainConfig(cfg: TrainConfig): void {
  // the same limits as the contract's schema (src/shared/limits.ts): a config the door accepts trains
  const optional = (['limit', 'warmup'] as const).filter((f) => cfg[f] !== undefined);
  for (const field of [...(['epochs', 'batch', 'lr', 'seed'] as const), ...optional]) {
    const why = outOfRange(cfg[field], TRAIN_LIMITS[field]);
    if (why) throw new Error(`train config: ${field} ${why}`);
  }
  normalizeModelConfig(cfg);
}

/** Training and held-out image indices: the dataset's split, capped by `limit`. */
export function pickIndices(ds: Dataset, cfg: TrainConfig): { train: Int32Array; test: Int32Array; warning?: string } {
  let train: number[] = [];
  let test: number[] = [];
  for (let i = 0; i < ds.n; i++) (ds.split[i] === 1 ? test : train).push(i);
  let warning: string | undefined;
  if (test.length === 0 && train.length >= 2) {
    // no test split: hold out a seeded 10% so the held-out loss still means something
    const order = new Rng(deriveSeed(cfg.seed, SALT.subset, 1)).shuffle(Int32Array.from(train));
    const k = Math.max(1, Math.round(train.length / 10));
    test = Array.from(order.subarray(0, k)).sort((a, b) => a - b);
    const held = new Set(test);
    train = train.filter((i) => !held.has(i));
    warning = `the dataset has no test split; ${k} training images are held out for the held-out loss`;
  }
  if (cfg.limit !== undefined) {
    // a seeded subset, not the first N: folder datasets are ordered by label
    const pick = (arr: number[], n: number, salt: number) =>
      n >= arr.length
        ? arr
        : Array.from(new Rng(deriveSeed(cfg.seed, SALT.subset, salt)).shuffle(Int32Array.from(arr)).subarray(0, n)).sort((a, b) => a - b);
    train = pick(train, cfg.limit, 2);
    test = pick(test, Math.max(1, Math.ceil(cfg.limit / 6)), 3);
  }
  if (train.length === 0) throw new Error('the dataset has no training images');
  return { train: Int32Array.from(train), test: Int32Array.from(test), warning };
}

export interface HeldOut {
  recon: number;
  kl: number;
}

/**
 * Mean negative ELBO parts over images idx (beta = 1, no corruption). Noise is seeded per
 * batch, so the same weights always give the same number.
 */
export async function heldOutLoss(
  model: VaeModel,
  ds: Dataset,
  idx: Int32Array,
  seed: number,
  signal?: AbortSignal,
): Promise<HeldOut | null> {
  if (idx.length === 0) return { recon: NaN, kl: NaN };
  const d = model.inputSize;
  const k = model.numClasses;
  let recon = 0;
  let kl = 0;
  let last = Date.now();
  for (let from = 0, bi = 0; from < idx.length; from += EVAL_BATCH, bi++) {
    if (signal?.aborted) return null;
    const b = Math.min(EVAL_BATCH, idx.length - from);
    const x = new Float32Array(b * d);
    const y = model.conditional ? new Float32Array(b * k) : null;
    fillBatch(ds, idx, from, b, x, y, k);
    const parts = tf.tidy(() => {
      const p = model.perImage(tf.tensor2d(x, [b, d]), y ? tf.tensor2d(y, [b, k]) : undefined, {
        beta: 1,
        training: false,
        rng: new Rng(deriveSeed(seed, SALT.eval, bi)),
      });
      return tf.stack([tf.sum(p.recon), tf.sum(p.kl)]);
    });
    // async: WebGPU cannot read synchronously in Node
    const [r, q] = await parts.data();
    parts.dispose();
    recon += r!;
    kl += q!;
    if (Date.now() - last > YIELD_MS) {
      await yieldToEventLoop();
      last = Date.now();
    }
  }
  return { recon: recon / idx.length, kl: kl / idx.length };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** Architecture fields a resumed run must share with its checkpoint. */
function architecture(cfg: TrainConfig): string {
  const n = normalizeModelConfig(cfg);
  const fields = [n.model, n.family, n.latent, n.latent2 ?? null, n.hidden, n.activation, n.likelihood, n.sigma, n.noise ?? null];
  return JSON.stringify([...fields, n.form ?? null, n.levels ?? null, n.latent3 ?? null, n.latent4 ?? null]);
}

function greyShare(ds: Dataset, idx: Int32Array): number {
  const d = ds.height * ds.width * ds.channels;
  let grey = 0;
  let seen = 0;
  const stride = Math.max(1, Math.floor(idx.length / 200));
  for (let i = 0; i < idx.length; i += stride) {
    const base = idx[i]! * d;
    for (let j = 0; j < d; j++, seen++) {
      const v = ds.pixels[base + j]!;
      if (v > 25 && v < 230) grey++;
    }
  }
  return seen ? grey / seen : 0;
}

/**
 * Trains (or resumes) a run in this thread. Events arrive through onEvent; the promise
 * settles with 'done' or 'cancelled', or rejects with an Error that says what went wrong.
 */
export async function trainInProcess(spec: TrainJobSpec, onEvent: (e: TrainEvent) => void, signal?: AbortSignal): Promise<TrainOutcome> {
  const cfg = spec.config;
  validateTrainConfig(cfg);
  const backend = await initBackend(spec.backend, 'train');
  const ds = await readDatasetFile(spec.datasetFile);
  const { train, test, warning } = pickIndices(ds, cfg);
  if (warning) onEvent({ type: 'warning', message: warning });
  const shape = { height: ds.height, width: ds.width, channels: ds.channels };
  const numClasses = ds.labelNames.length;
  if (cfg.model === 'cvae') {
    const unlabelled = Array.from(train).filter((i) => ds.labels[i]! < 0).length;
    if (unlabelled > 0) throw new Error(`a cvae needs a label for every image; ${unlabelled} training images have none`);
  }
  if (cfg.likelihood === 'bernoulli' && greyShare(ds, train) > 0.1) {
    onEvent({
      type: 'warning',
      message:
        'these images are grey-level: with a Bernoulli decoder the loss is not a likelihood of the grey image (use gaussian, gaussian-learned or cbernoulli for that, or binarized)',
    });
  }

  const model = createModel(cfg, shape, numClasses, cfg.seed);
  const normalized = { ...cfg, ...normalizeModelConfig(cfg) };
  const topology: ModelTopology = { config: normalized, shape, numClasses, labelNames: ds.labelNames };
  const b = Math.min(cfg.batch, train.length);
  const stepsPerEpoch = Math.ceil(train.length / b);
  let engine: StepEngine | null = null;
  let resumed: OptimizerState | null = null;
  let epoch = 0;
  let step = 0;
  let lastGood = 0;
  let latentTensors = -1;
  let collapseSaid = false;

  try {
    await cleanTemp(spec.runDir);
    if (spec.resume) {
      const dir = spec.resumeFrom ?? (await latestCheckpointDir(spec.runDir));
      if (dir) {
        const ck = await readCheckpoint(dir, true);
        const t = ck.json.modelTopology;
        if (architecture(t.config) !== architecture(cfg)) {
          throw new Error(`cannot resume: the checkpoint in ${dir} was trained with another model configuration`);
        }
        if (
          t.shape.height !== shape.height ||
          t.shape.width !== shape.width ||
          t.shape.channels !== shape.channels ||
          t.numClasses !== numClasses
        ) {
          throw new Error(`cannot resume: the checkpoint in ${dir} was trained on images of another size or label set`);
        }
        model.setWeights(ck.weights);
        resumed = { iterations: ck.json.trainingState.optimizer.iterations, weights: ck.optimizer };
        epoch = ck.json.trainingState.epoch;
        step = ck.json.trainingState.step;
        lastGood = epoch;
      }
    }

    const threads = trainingThreads(cfg, backend);
    if (cfg.threads !== undefined && cfg.threads > 1 && backend.name !== 'wasm') {
      onEvent({ type: 'warning', message: `threads apply to the wasm backend; ${backend.name} trains on one thread` });
    }
    // wasm trains through the shared-memory engine even on one thread: its Adam is wasm SIMD
    // (adam-simd.ts), where tfjs's is a chain of element-wise kernels, ~19% of a one-thread
    // step of the reference MLP (5,386 -> 6,405 images/s, bench/results.md)
    engine =
      threads > 1 || backend.name === 'wasm'
        ? await parallelStepEngine({
            model,
            data: ds,
            config: cfg,
            shape,
            batch: b,
            threads,
            workerEntry: spec.workerEntry ?? defaultWorkerEntry(),
          })
        : localStepEngine(model, cfg.lr, ds, cfg.seed);
    if (resumed) await engine.restore(resumed);

    onEvent({
      type: 'started',
      backend: backend.name,
      backendDetail: backend.name === 'wasm' ? withThreads(backend, threads) : backend.detail,
      startEpoch: epoch,
      totalEpochs: cfg.epochs,
      stepsPerEpoch,
      trainCount: train.length,
      testCount: test.length,
    });

    const lossError = (loss: number, e: number, i: number) => {
      const kept = lastGood > 0 ? `the last good checkpoint (epoch ${lastGood}) is kept` : 'no checkpoint was written yet';
      return new Error(`loss became ${loss} at epoch ${e + 1} step ${i + 1}; ${kept}; try a lower learning rate`);
    };

    for (; epoch < cfg.epochs; epoch++) {
      const epochStart = performance.now();
      const order = new Rng(deriveSeed(cfg.seed, SALT.shuffle, epoch)).shuffle(Int32Array.from(train));
      const sums = await trainEpoch({
        engine,
        order,
        batch: b,
        stepsPerEpoch,
        epoch,
        step,
        beta: cfg.beta,
        warmup: cfg.warmup,
        readEvery: backend.name === 'webgpu' ? GPU_READ_EVERY : 1,
        signal,
        onStep: (progress) => onEvent({ type: 'step', progress }),
        lossError,
      });
      if (sums === null) return { status: 'cancelled', epochsDone: lastGood };
      step += sums.steps;
      const trainMs = sums.trainMs;

      const held = await heldOutLoss(model, ds, test, cfg.seed, signal);
      if (held === null) return { status: 'cancelled', epochsDone: lastGood };
      const heldOut = held.recon + held.kl;
      if (test.length > 0 && !Number.isFinite(heldOut)) {
        const kept = lastGood > 0 ? `the last good checkpoint (epoch ${lastGood}) is kept` : 'no checkpoint was written yet';
        throw new Error(`held-out loss became ${heldOut} after epoch ${epoch + 1}; ${kept}; try a lower learning rate`);
      }

      const ostate = await engine.optimizerState();
      const json: CheckpointJson = {
        format: CHECKPOINT_FORMAT,
        version: CHECKPOINT_VERSION,
        generatedBy: `Latent Lab (TensorFlow.js ${tf.version_core}, ${backend.name})`,
        modelTopology: topology,
        weightsManifest: [
          {
            paths: ['weights.bin'],
            weights: model.variables.map((v, j) => ({ name: model.paramNames[j]!, shape: v.shape.slice(), dtype: 'float32' as const })),
          },
        ],
        trainingState: {
          epoch: epoch + 1,
          step,
          seed: cfg.seed,
          backend: backend.name,
          heldOut,
          optimizer: {
            name: 'adam',
            learningRate: cfg.lr,
            ...ADAM,
            iterations: ostate.iterations,
            weights: ostate.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const })),
          },
        },
      };
      const ckData = { json, weights: await readWeights(model), optimizer: ostate.weights };
      const checkpointDir = await writeCheckpoint(spec.runDir, ckData, { prune: !spec.callerPrunes });
      lastGood = epoch + 1;

      const result: EpochResult = {
        epoch: epoch + 1,
        step,
        loss: sums.loss / sums.n,
        recon: sums.recon / sums.n,
        kl: sums.kl / sums.n,
        heldOut,
        heldOutRecon: held.recon,
        heldOutKl: held.kl,
        imagesPerSec: trainMs > 0 ? (sums.n * 1000) / trainMs : 0,
        seconds: (performance.now() - epochStart) / 1000,
      };
      onEvent({ type: 'epoch', result, checkpointDir, tensors: tf.memory().numTensors });
      if (!collapseSaid) {
        const said = collapseWarning(model, ds, test, cfg, epoch + 1, backend.name);
        if (said) onEvent({ type: 'warning', message: said });
        collapseSaid = !!said;
      }

      // every tensor of a step lives in a tidy; the count must not move between epochs
      const nt = tf.memory().numTensors;
      if (latentTensors >= 0 && nt !== latentTensors) {
        onEvent({ type: 'warning', message: `tensor count changed from ${latentTensors} to ${nt} during epoch ${epoch + 1} (a leak)` });
      }
      latentTensors = nt;
    }
    return { status: 'done', epochsDone: Math.max(lastGood, epoch) };
  } finally {
    await engine?.dispose();
    model.dispose();
    // Dawn's device would keep this thread alive
    if (backend.name === 'webgpu') releaseBackend();
  }
}

/**
 * Training threads: data-parallel wasm engines (`threads`, else threads.ts's default).
 * Other backends run on their own pool or device, so one.
 */
export function trainingThreads(cfg: TrainConfig, backend: BackendInfo): number {
  if (backend.name !== 'wasm') return 1;
  return cfg.threads !== undefined ? Math.max(1, cfg.threads) : defaultTrainingThreads(cfg.batch);
}

/** The model's weights, read without dataSync (WebGPU cannot read synchronously in Node). */
async function readWeights(model: VaeModel): Promise<NamedWeight[]> {
  return Promise.all(
    model.variables.map(async (v, i) => ({ name: model.paramNames[i]!, shape: v.shape.slice(), data: (await v.data()) as Float32Array })),
  );
}
