// What every data-parallel thread does with its share of a step, the leader included: load
// the shared weights, write its share's gradient into its slot, then take the Adam step of
// its slice of the parameters. Keeping one implementation is what makes the threads agree.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../model/rng.js';
import { setTransposedWeight } from '../model/transposed-weights.js';
import type { VaeModel } from '../model/vae.js';
import { adamSlice } from './adam.js';
import { simdAdam, type AdamLayout, type SimdAdam } from './adam-simd.js';
import { shareRows, stepSeed, type BatchSource } from './batch.js';
import { CTRL, paramSlice, RESULT_SIZE, STEP, type ParallelMemory } from './parallel-protocol.js';
import { BatchBuffers, readKept, shareLoss, type KeptParts } from './step.js';

/**
 * dense weights from this size keep a transposed copy: the 784x400 layer of the reference
 * MLP (its step 15% shorter) and larger; a small one costs more calls than it saves
 */
const TRANSPOSED_MIN = 65536;

export class ParallelShare {
  private readonly buffers: BatchBuffers;
  private readonly indices: Int32Array;
  private readonly args: Float64Array;
  readonly weights: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  private readonly slots: Float32Array[];
  private readonly result: Float64Array;
  private readonly layout: AdamLayout;
  private readonly ctrl: SharedArrayBuffer;
  /** null where wasm SIMD is missing: then the JS loop */
  private readonly simdAdam: SimdAdam | null;
  /** where each variable starts in the flat parameter vector */
  readonly offsets: number[];

  constructor(
    private readonly model: VaeModel,
    data: BatchSource,
    memory: ParallelMemory,
    private readonly share: number,
    private readonly shares: number,
    private readonly seed: number,
  ) {
    this.buffers = new BatchBuffers(data, model);
    this.indices = new Int32Array(memory.indices);
    this.ctrl = memory.ctrl;
    this.args = new Float64Array(memory.step);
    const { layout } = memory;
    const params = layout.params;
    const buffer = memory.params.buffer;
    this.layout = layout;
    this.weights = new Float32Array(buffer, layout.weights, params);
    this.m = new Float32Array(buffer, layout.m, params);
    this.v = new Float32Array(buffer, layout.v, params);
    this.slots = Array.from({ length: shares }, (_, s) => new Float32Array(buffer, layout.grads + s * params * 4, params));
    this.simdAdam = simdAdam(memory.params);
    this.result = new Float64Array(memory.results, share * RESULT_SIZE * 8, RESULT_SIZE);
    let at = 0;
    this.offsets = model.variables.map((v) => {
      const o = at;
      at += v.size;
      return o;
    });
  }

  /**
   * shared weights -> this thread's engine, with the transposed copy of each large dense
   * weight that spares the forward matmul repacking it (transposed-weights.ts)
   */
  loadWeights(): void {
    tf.tidy(() => {
      this.model.variables.forEach((v, i) => {
        const o = this.offsets[i]!;
        v.assign(tf.tensor(this.weights.subarray(o, o + v.size), v.shape));
        if (v.rank === 2 && v.size >= TRANSPOSED_MIN) setTransposedWeight(v);
      });
    });
  }

  /** this thread's engine -> shared weights (the leader, at the start and after a resume) */
  publishWeights(): void {
    this.model.variables.forEach((v, i) => this.weights.set(v.dataSync() as Float32Array, this.offsets[i]));
    const ctrl = new Int32Array(this.ctrl);
    Atomics.add(ctrl, CTRL.published, 1);
  }

  /** The gradient of this share into its slot, the share's [loss, recon, kl] into its result. */
  computeGradient(): void {
    const batch = this.args[STEP.rows]!;
    const { start, rows } = shareRows(batch, this.shares, this.share);
    const slot = this.slots[this.share]!;
    if (rows === 0) {
      slot.fill(0);
      this.result.fill(0);
      return;
    }
    const rng = new Rng(stepSeed(this.seed, this.args[STEP.step]!, this.share, this.shares));
    const kept: KeptParts = {};
    tf.tidy(() => {
      const { x, y } = this.buffers.tensors(this.indices, start, rows);
      const scale = rows / batch;
      const { value, grads } = tf.variableGrads(
        () => shareLoss(this.model, x, y, this.args[STEP.beta]!, rng, scale, kept),
        this.model.variables,
      );
      this.model.variables.forEach((v, i) => {
        const g = grads[v.name];
        const o = this.offsets[i]!;
        // a parameter the loss did not reach has no gradient (an HVAE's upper level while the
        // KL warm-up weight is 0): zero, which leaves Adam's moments at zero and the weight as
        // it was while it has never had one, as tfjs's Adam, which skips it
        if (g) slot.set(floats(g), o);
        else slot.fill(0, o, o + v.size);
      });
      this.result[0] = value.dataSync()[0]!;
    });
    [this.result[1], this.result[2]] = readKept(kept);
  }

  /** Adam on this thread's slice, once every slot holds this step's gradient. */
  updateSlice(): void {
    const { from, to } = paramSlice(this.weights.length, this.shares, this.share);
    const lr = this.args[STEP.lr]!;
    const t = this.args[STEP.t]!;
    if (this.simdAdam) this.simdAdam(this.layout, from, to, lr, t);
    else adamSlice(this.weights, this.m, this.v, this.slots, from, to, lr, t);
  }
}

interface HeapBackend {
  typedArrayFromHeap(t: tf.Tensor): Float32Array;
}

/**
 * A float32 tensor's values: on wasm a view of the engine's heap, copied once into the slot
 * (dataSync slices a fresh 2.6 MB of ArrayBuffers a step for the reference MLP, which both
 * threads then allocate, fault in and free at once); elsewhere dataSync.
 */
function floats(t: tf.Tensor): Float32Array {
  const b = tf.backend() as unknown as Partial<HeapBackend>;
  return tf.getBackend() === 'wasm' && typeof b.typedArrayFromHeap === 'function'
    ? b.typedArrayFromHeap(t)
    : (t.dataSync() as Float32Array);
}
