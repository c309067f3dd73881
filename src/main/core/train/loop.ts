// The epochs of a training on a tfjs model, wherever the model lives: in a worker thread
// (engines/tfjs-thread.ts) or in a Chromium page (engines/chromium/). Pure tfjs-core, no node:*:
// the page bundles this same file. Shuffles each epoch from the seed, runs its steps, measures
// the held-out bound, and hands the epoch's figures and state to the host, which checkpoints.
import * as tf from '@tensorflow/tfjs-core';
import type { EngineEvents, EngineRun } from '../engines/engine.js';
import { deriveSeed, Rng } from '../model/rng.js';
import type { NamedWeight } from '../model/layers.js';
import type { VaeModel } from '../model/vae.js';
import type { Dataset, EpochResult } from '../types.js';
import { SALT, fillBatch, flipHalf } from './batch.js';
import { codeUse, collapseWarning } from './collapse.js';
import { trainEpoch } from './epoch.js';
import type { StepEngine } from './step.js';
import { yieldToEventLoop } from './yield.js';

/** how often the held-out pass lets the event loop run (cancel messages, I/O) */
const YIELD_MS = 40;
const EVAL_BATCH = 500;
/**
 * Steps whose losses are read back together on a GPU. A GPU runs ahead of the CPU only while
 * nothing is read back; Dawn crashed with hundreds of steps queued unread, so never more than this.
 */
export const GPU_READ_EVERY = 20;

export interface LoopSetup {
  model: VaeModel;
  engine: StepEngine;
  /** the tfjs backend's name ('webgpu' reads back in groups and skips the synchronous checks) */
  backend: string;
}

/** Steps per epoch for a run: the batch is capped by the training set. */
export function stepsPerEpoch(run: Pick<EngineRun, 'config' | 'train'>): number {
  return Math.ceil(run.train.length / Math.min(run.config.batch, run.train.length));
}

export async function trainEpochs(run: EngineRun, s: LoopSetup, events: EngineEvents, signal?: AbortSignal): Promise<'done' | 'cancelled'> {
  const { config: cfg, data: ds, train, test } = run;
  const { model, engine } = s;
  const gpu = s.backend === 'webgpu';
  const b = Math.min(cfg.batch, train.length);
  const steps = stepsPerEpoch(run);
  let epoch = run.start.epoch;
  let step = run.start.step;
  let lastGood = epoch;
  let latentTensors = -1;
  let collapseSaid = false;
  const kept = () => (lastGood > 0 ? `the last good checkpoint (epoch ${lastGood}) is kept` : 'no checkpoint was written yet');
  const lossError = (loss: number, e: number, i: number) =>
    new Error(`loss became ${loss} at epoch ${e + 1} step ${i + 1}; ${kept()}; try a lower learning rate`);

  for (; epoch < cfg.epochs; epoch++) {
    const epochStart = performance.now();
    const order = new Rng(deriveSeed(cfg.seed, SALT.shuffle, epoch)).shuffle(Int32Array.from(train));
    if (cfg.flip) flipHalf(order, cfg.seed, epoch);
    const sums = await trainEpoch({
      engine,
      order,
      batch: b,
      stepsPerEpoch: steps,
      epoch,
      step,
      beta: cfg.beta,
      warmup: cfg.warmup,
      readEvery: gpu ? GPU_READ_EVERY : 1,
      signal,
      onStep: (progress) => events.step(progress),
      lossError,
    });
    if (sums === null) return 'cancelled';
    step += sums.steps;

    const held = await heldOutLoss(model, ds, test, cfg.seed, signal);
    if (held === null) return 'cancelled';
    const heldOut = held.recon + held.kl;
    if (test.length > 0 && !Number.isFinite(heldOut)) {
      throw new Error(`held-out loss became ${heldOut} after epoch ${epoch + 1}; ${kept()}; try a lower learning rate`);
    }

    const optimizer = await engine.optimizerState();
    const result: EpochResult = {
      epoch: epoch + 1,
      step,
      loss: sums.loss / sums.n,
      recon: sums.recon / sums.n,
      kl: sums.kl / sums.n,
      heldOut,
      heldOutRecon: held.recon,
      heldOutKl: held.kl,
      imagesPerSec: sums.trainMs > 0 ? (sums.n * 1000) / sums.trainMs : 0,
      seconds: (performance.now() - epochStart) / 1000,
    };
    const use = await codeUse(model, ds, test, cfg);
    if (use) Object.assign(result, { activeUnits: use.activeUnits, dimKl: use.kl });
    await events.epoch({ result, weights: await readWeights(model), optimizer, tensors: tf.memory().numTensors });
    lastGood = epoch + 1;
    if (!collapseSaid) {
      const said = collapseWarning(use, cfg, epoch + 1);
      if (said) events.warning(said);
      collapseSaid = !!said;
    }

    // every tensor of a step lives in a tidy; the count must not move between epochs
    const nt = tf.memory().numTensors;
    if (latentTensors >= 0 && nt !== latentTensors) {
      events.warning(`tensor count changed from ${latentTensors} to ${nt} during epoch ${epoch + 1} (a leak)`);
    }
    latentTensors = nt;
  }
  return 'done';
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

/** The model's weights, read without dataSync (WebGPU cannot read synchronously in Node). */
async function readWeights(model: VaeModel): Promise<NamedWeight[]> {
  return Promise.all(
    model.variables.map(async (v, i) => ({ name: model.paramNames[i]!, shape: v.shape.slice(), data: (await v.data()) as Float32Array })),
  );
}
