// The training loop: Adam over shuffled mini-batches, throttled progress, cancel between
// steps, held-out negative ELBO and an atomic checkpoint per epoch, resume from the last one.
// Runs on whatever thread calls it; run-worker.ts puts it in a worker thread.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend.js';
import { readDatasetFile } from '../data/dataset-file.js';
import type { NamedWeight } from '../model/layers.js';
import { deriveSeed, Rng } from '../model/rng.js';
import { createModel, normalizeModelConfig, type VaeModel } from '../model/vae.js';
import type { Dataset, EpochResult, StepProgress, TrainConfig } from '../types.js';
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
import type { TrainEvent, TrainJobSpec, TrainOutcome } from './types.js';

const STEP_EVENT_MS = 100;
/** how often the loop lets the event loop run (cancel messages, I/O) */
const YIELD_MS = 40;
const EVAL_BATCH = 500;
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
/** salts for deriveSeed, so shuffles, step noise and evaluation noise never share a stream */
const SALT = { shuffle: 0x5348, step: 0x5354, eval: 0x4556, subset: 0x5355 };

export function validateTrainConfig(cfg: TrainConfig): void {
  const err = (field: string, msg: string) => new Error(`train config: ${field} ${msg}`);
  if (!Number.isInteger(cfg.epochs) || cfg.epochs < 1 || cfg.epochs > 100000)
    throw err('epochs', `must be an integer >= 1, got ${cfg.epochs}`);
  if (!Number.isInteger(cfg.batch) || cfg.batch < 1 || cfg.batch > 8192) throw err('batch', `must be an integer 1..8192, got ${cfg.batch}`);
  if (!(cfg.lr > 0 && cfg.lr < 10)) throw err('lr', `must be a number in (0, 10), got ${cfg.lr}`);
  if (!Number.isInteger(cfg.seed)) throw err('seed', `must be an integer, got ${cfg.seed}`);
  if (cfg.limit !== undefined && (!Number.isInteger(cfg.limit) || cfg.limit < 1))
    throw err('limit', `must be an integer >= 1, got ${cfg.limit}`);
  if (cfg.warmup !== undefined && !(cfg.warmup >= 0)) throw err('warmup', `must be >= 0, got ${cfg.warmup}`);
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

/** Fills x [b, D] in 0..1 (and one-hot y) from dataset rows idx[from..from+b). */
function fillBatch(ds: Dataset, idx: Int32Array, from: number, b: number, x: Float32Array, y: Float32Array | null, k: number): void {
  const d = ds.height * ds.width * ds.channels;
  const px = ds.pixels;
  const s = 1 / 255;
  for (let r = 0; r < b; r++) {
    const src = idx[from + r]! * d;
    const dst = r * d;
    for (let j = 0; j < d; j++) x[dst + j] = px[src + j]! * s;
    if (y) {
      y.fill(0, r * k, (r + 1) * k);
      const l = ds.labels[idx[from + r]!]!;
      if (l >= 0 && l < k) y[r * k + l] = 1;
    }
  }
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
    const [r, q] = tf.tidy(() => {
      const p = model.perImage(tf.tensor2d(x, [b, d]), y ? tf.tensor2d(y, [b, k]) : undefined, {
        beta: 1,
        training: false,
        rng: new Rng(deriveSeed(seed, SALT.eval, bi)),
      });
      return [tf.sum(p.recon).dataSync()[0]!, tf.sum(p.kl).dataSync()[0]!];
    });
    recon += r;
    kl += q;
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

/** Adam moments by our parameter names (`<param>/m`, `<param>/v`) and the step count. */
async function optimizerState(opt: tf.AdamOptimizer, model: VaeModel): Promise<{ iterations: number; weights: NamedWeight[] }> {
  const ws = await opt.getWeights();
  const iterations = ws[0]!.tensor.dataSync()[0]!;
  // getWeights makes a fresh scalar for the step count (the moments are its own variables)
  ws[0]!.tensor.dispose();
  const logical = new Map(model.variables.map((v, i) => [v.name, model.paramNames[i]!]));
  const weights = ws.slice(1).map((w) => {
    const m = /^(.*)\/(m|v)$/.exec(w.name);
    const name = m && logical.get(m[1]!);
    if (!m || !name) throw new Error(`optimizer state ${w.name} belongs to no model parameter`);
    return { name: `${name}/${m[2]}`, shape: w.tensor.shape.slice(), data: w.tensor.dataSync() as Float32Array };
  });
  return { iterations, weights };
}

async function restoreOptimizer(opt: tf.AdamOptimizer, model: VaeModel, iterations: number, saved: NamedWeight[]): Promise<void> {
  const byName = new Map(saved.map((w) => [w.name, w]));
  const named: { name: string; tensor: tf.Tensor }[] = [{ name: 'iter', tensor: tf.scalar(iterations, 'int32') }];
  // Adam pairs moments with variables by position: give them in model.variables order,
  // which is the order minimize() passes the gradients in
  for (const kind of ['m', 'v']) {
    model.paramNames.forEach((p, i) => {
      const w = byName.get(`${p}/${kind}`);
      if (!w) throw new Error(`optimizer state lacks ${p}/${kind}`);
      named.push({ name: `${model.variables[i]!.name}/${kind}`, tensor: tf.tensor(w.data, w.shape) });
    });
  }
  await opt.setWeights(named);
  tf.dispose(named.map((n) => n.tensor));
}

/** Architecture fields a resumed run must share with its checkpoint. */
function architecture(cfg: TrainConfig): string {
  const n = normalizeModelConfig(cfg);
  return JSON.stringify([n.model, n.family, n.latent, n.latent2 ?? null, n.hidden, n.activation, n.likelihood, n.sigma, n.noise ?? null]);
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
  const backend = await initBackend(spec.backend);
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
  const opt = tf.train.adam(cfg.lr, ADAM.beta1, ADAM.beta2, ADAM.epsilon);
  const normalized = { ...cfg, ...normalizeModelConfig(cfg) };
  const topology: ModelTopology = { config: normalized, shape, numClasses, labelNames: ds.labelNames };
  const b = Math.min(cfg.batch, train.length);
  const stepsPerEpoch = Math.ceil(train.length / b);
  const D = model.inputSize;
  const K = numClasses;
  let epoch = 0;
  let step = 0;
  let lastGood = 0;
  let latentTensors = -1;

  try {
    await cleanTemp(spec.runDir);
    if (spec.resume) {
      const dir = await latestCheckpointDir(spec.runDir);
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
        await restoreOptimizer(opt, model, ck.json.trainingState.optimizer.iterations, ck.optimizer);
        epoch = ck.json.trainingState.epoch;
        step = ck.json.trainingState.step;
        lastGood = epoch;
      }
    }

    onEvent({
      type: 'started',
      backend: backend.name,
      backendDetail: backend.detail,
      startEpoch: epoch,
      totalEpochs: cfg.epochs,
      stepsPerEpoch,
      trainCount: train.length,
      testCount: test.length,
    });

    const x = new Float32Array(b * D);
    const y = model.conditional ? new Float32Array(b * K) : null;
    const lossArgs = (beta: number, rng: Rng) => ({ beta, training: true, rng });

    for (; epoch < cfg.epochs; epoch++) {
      const epochStart = performance.now();
      let trainMs = 0;
      const order = new Rng(deriveSeed(cfg.seed, SALT.shuffle, epoch)).shuffle(Int32Array.from(train));
      const sums = { loss: 0, recon: 0, kl: 0, n: 0 };
      const win = { loss: 0, recon: 0, kl: 0, steps: 0, images: 0, ms: 0 };
      let lastEvent = performance.now();
      let lastYield = performance.now();

      for (let i = 0; i < stepsPerEpoch; i++) {
        if (signal?.aborted) return { status: 'cancelled', epochsDone: lastGood };
        const t0 = performance.now();
        const from = i * b;
        const bb = Math.min(b, train.length - from);
        const xs = bb === b ? x : new Float32Array(bb * D);
        const ys = y ? (bb === b ? y : new Float32Array(bb * K)) : null;
        fillBatch(ds, order, from, bb, xs, ys, K);
        const warm = cfg.warmup && cfg.warmup > 0 ? Math.min(1, (epoch + i / stepsPerEpoch) / cfg.warmup) : 1;
        const rng = new Rng(deriveSeed(cfg.seed, SALT.step, step));

        let recon: tf.Scalar | null = null;
        let kl: tf.Scalar | null = null;
        const cost = tf.tidy(() => {
          const xb = tf.tensor2d(xs, [bb, D]);
          const yb = ys ? tf.tensor2d(ys, [bb, K]) : undefined;
          return opt.minimize(
            () => {
              const p = model.lossParts(xb, yb, lossArgs(cfg.beta * warm, rng));
              recon = tf.keep(p.recon);
              kl = tf.keep(p.kl);
              return p.loss;
            },
            true,
            model.variables,
          )!;
        });
        const loss = cost.dataSync()[0]!;
        const r = (recon as tf.Scalar | null)?.dataSync()[0] ?? NaN;
        const k = (kl as tf.Scalar | null)?.dataSync()[0] ?? NaN;
        tf.dispose([cost, recon as tf.Scalar | null, kl as tf.Scalar | null].filter((t): t is tf.Scalar => t !== null));
        step++;
        if (!Number.isFinite(loss)) {
          const kept = lastGood > 0 ? `the last good checkpoint (epoch ${lastGood}) is kept` : 'no checkpoint was written yet';
          throw new Error(`loss became ${loss} at epoch ${epoch + 1} step ${i + 1}; ${kept}; try a lower learning rate`);
        }
        const dt = performance.now() - t0;
        trainMs += dt;
        sums.loss += loss * bb;
        sums.recon += r * bb;
        sums.kl += k * bb;
        sums.n += bb;
        win.loss += loss;
        win.recon += r;
        win.kl += k;
        win.steps++;
        win.images += bb;
        win.ms += dt;

        const now = performance.now();
        if (now - lastEvent >= STEP_EVENT_MS || i === stepsPerEpoch - 1) {
          const progress: StepProgress = {
            epoch,
            step,
            stepsPerEpoch,
            loss: win.loss / win.steps,
            recon: win.recon / win.steps,
            kl: win.kl / win.steps,
            imagesPerSec: win.ms > 0 ? (win.images * 1000) / win.ms : 0,
          };
          onEvent({ type: 'step', progress });
          Object.assign(win, { loss: 0, recon: 0, kl: 0, steps: 0, images: 0, ms: 0 });
          lastEvent = now;
        }
        if (now - lastYield >= YIELD_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }

      const held = await heldOutLoss(model, ds, test, cfg.seed, signal);
      if (held === null) return { status: 'cancelled', epochsDone: lastGood };
      const heldOut = held.recon + held.kl;
      if (test.length > 0 && !Number.isFinite(heldOut)) {
        const kept = lastGood > 0 ? `the last good checkpoint (epoch ${lastGood}) is kept` : 'no checkpoint was written yet';
        throw new Error(`held-out loss became ${heldOut} after epoch ${epoch + 1}; ${kept}; try a lower learning rate`);
      }

      const ostate = await optimizerState(opt, model);
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
      const checkpointDir = await writeCheckpoint(spec.runDir, { json, weights: model.getWeights(), optimizer: ostate.weights });
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
      onEvent({ type: 'epoch', result, checkpointDir });

      // every tensor of a step lives in a tidy; the count must not move between epochs
      const nt = tf.memory().numTensors;
      if (latentTensors >= 0 && nt !== latentTensors) {
        onEvent({ type: 'warning', message: `tensor count changed from ${latentTensors} to ${nt} during epoch ${epoch + 1} (a leak)` });
      }
      latentTensors = nt;
    }
    return { status: 'done', epochsDone: Math.max(lastGood, epoch) };
  } finally {
    model.dispose();
    opt.dispose();
  }
}
