// One optimizer step on a share of a mini-batch, behind one interface, so the trainer does
// not care whether the gradient comes from this thread alone or from N data-parallel ones.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../model/rng.js';
import type { VaeModel } from '../model/vae.js';
import type { OptimizerState } from './adam.js';
import { TensorAdam } from './adam-tensors.js';
import { fillBatch, stepSeed, type BatchSource } from './batch.js';
import { deviceBatches, type BatchMaker } from './device-batches.js';

export interface StepArgs {
  /** the epoch's shuffled training indices; the step trains on order[from .. from+rows) */
  order: Int32Array;
  from: number;
  rows: number;
  /** KL weight of this step (beta times the warm-up factor) */
  beta: number;
  /** global step count, seeds the step's noise */
  step: number;
}

export interface StepEngine {
  /** threads that compute each step's gradient (1: this one) */
  readonly threads: number;
  /**
   * Runs one Adam step and returns [loss, recon, kl] (batch means) as a tensor the caller
   * reads when it likes: on a GPU, reading after every step would stall the queue.
   */
  run(a: StepArgs): Promise<tf.Tensor1D>;
  /** Adam's moments and step count, for a checkpoint */
  optimizerState(): Promise<OptimizerState>;
  /** continue from a checkpoint (call after the model's weights are set) */
  restore(state: OptimizerState): Promise<void>;
  dispose(): Promise<void>;
}

/** The loss parts a step keeps past the gradient's tidy (the caller disposes them). */
export interface KeptParts {
  recon?: tf.Scalar;
  kl?: tf.Scalar;
}

/** Loss of one share with its gradient scaled by share/batch, so shares add up to the batch mean. */
export function shareLoss(
  model: VaeModel,
  x: tf.Tensor2D,
  y: tf.Tensor2D | undefined,
  beta: number,
  rng: Rng,
  scale: number,
  kept: KeptParts,
): tf.Scalar {
  const p = model.lossParts(x, y, { beta, training: true, rng });
  if (scale === 1) {
    kept.recon = tf.keep(p.recon);
    kept.kl = tf.keep(p.kl);
    return p.loss;
  }
  kept.recon = tf.keep(tf.mul(p.recon, scale) as tf.Scalar);
  kept.kl = tf.keep(tf.mul(p.kl, scale) as tf.Scalar);
  return tf.mul(p.loss, scale);
}

/** Reads and disposes what shareLoss kept: [recon, kl]. */
export function readKept(kept: KeptParts): [number, number] {
  const r = kept.recon?.dataSync()[0] ?? NaN;
  const k = kept.kl?.dataSync()[0] ?? NaN;
  tf.dispose([kept.recon, kept.kl].filter((t): t is tf.Scalar => t !== undefined));
  return [r, k];
}

/** Input tensors of a share: rows order[from .. from+rows) as x [rows, D] (and y [rows, K]). */
export class BatchBuffers {
  private x = new Float32Array(0);
  private y = new Float32Array(0);

  constructor(
    private readonly data: BatchSource,
    private readonly model: VaeModel,
  ) {}

  tensors(order: Int32Array, from: number, rows: number): { x: tf.Tensor2D; y?: tf.Tensor2D } {
    const d = this.model.inputSize;
    const k = this.model.numClasses;
    if (this.x.length !== rows * d) this.x = new Float32Array(rows * d);
    const conditional = this.model.conditional;
    if (conditional && this.y.length !== rows * k) this.y = new Float32Array(rows * k);
    fillBatch(this.data, order, from, rows, this.x, conditional ? this.y : null, k);
    return { x: tf.tensor2d(this.x, [rows, d]), y: conditional ? tf.tensor2d(this.y, [rows, k]) : undefined };
  }
}

/** The whole batch on this thread's backend, with Adam as tensor ops (adam-tensors.ts). */
export function localStepEngine(model: VaeModel, lr: number, data: BatchSource, seed: number): StepEngine {
  const resident = deviceBatches(data, model.conditional, model.numClasses);
  const buffers: Pick<BatchMaker, 'tensors'> = resident ?? new BatchBuffers(data, model);
  const adam = new TensorAdam(model, lr);
  return {
    threads: 1,
    async run(a) {
      const kept: KeptParts = {};
      const out = tf.tidy(() => {
        const { x, y } = buffers.tensors(a.order, a.from, a.rows);
        const rng = new Rng(stepSeed(seed, a.step, 0, 1));
        const { value, grads } = tf.variableGrads(() => shareLoss(model, x, y, a.beta, rng, 1, kept), model.variables);
        adam.apply(model.variables.map((v) => grads[v.name]));
        return tf.stack([value, kept.recon!, kept.kl!]) as tf.Tensor1D;
      });
      // stacked above: the kept scalars themselves are no longer needed
      tf.dispose([kept.recon!, kept.kl!]);
      return out;
    },
    optimizerState: () => adam.state(),
    restore: async (state: OptimizerState) => adam.restore(state),
    async dispose() {
      adam.dispose();
      resident?.dispose();
    },
  };
}
