// Data-parallel training on N threads, each with its own wasm engine: wasm runs one thread
// per engine in Node, and one wasm core is near its own ceiling (128-bit SIMD), so more
// cores are the lever. This thread (the leader) owns the model the trainer checkpoints and
// computes share 0 of every batch; N-1 gradient threads (grad-worker.ts) compute the rest,
// and every thread takes the Adam step of its slice of the parameters (parallel-share.ts).
// With one thread there are no gradient threads: the leader alone, for the SIMD Adam.
import * as tf from '@tensorflow/tfjs-core';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../workers/run.js';
import type { ImageShape, VaeModel } from '../model/vae.js';
import type { Dataset, TrainConfig } from '../types.js';
import { savedMoment, type OptimizerState } from './adam.js';
import { allocateMemory, CTRL, readError, RESULT_SIZE, STEP, type GradWorkerData } from './parallel-protocol.js';
import { ParallelShare } from './parallel-share.js';
import type { StepEngine } from './step.js';

// Node 20 has Atomics.waitAsync; TypeScript's ES2023 lib does not declare it yet
interface AtomicsWaitAsync {
  waitAsync(a: Int32Array, index: number, value: number, timeout?: number): { async: boolean; value: Promise<string> | string };
}

/** a gradient thread that has not answered in this long is taken for dead */
const STALL_MS = 120_000;

export interface ParallelOptions {
  model: VaeModel;
  data: Dataset;
  config: TrainConfig;
  shape: ImageShape;
  batch: number;
  threads: number;
}

export async function parallelStepEngine(o: ParallelOptions): Promise<StepEngine> {
  const { model } = o;
  const n = o.threads;
  const params = model.variables.reduce((a, v) => a + v.size, 0);
  const memory = allocateMemory(o.batch, params, n, o.data.pixels);
  const ctrl = new Int32Array(memory.ctrl);
  const args = new Float64Array(memory.step);
  const indices = new Int32Array(memory.indices);
  const results = new Float64Array(memory.results);
  const share = new ParallelShare(model, o.data, memory, 0, n, o.config.seed);
  let iterations = 0;
  let exited: string | null = null;

  const workers: Worker[] = [];
  const fail = (why: string) => {
    exited ??= why;
    for (const i of [CTRL.ready, CTRL.done, CTRL.updated]) Atomics.notify(ctrl, i);
  };
  for (let s = 1; s < n; s++) {
    const workerData: GradWorkerData = {
      role: 'grad',
      share: s,
      shares: n,
      config: o.config,
      shape: o.shape,
      numClasses: o.data.labelNames.length,
      labels: o.data.labels,
      memory,
    };
    const w = startWorker('grad', workerData);
    w.on('error', (err) => fail(`training thread ${s} failed: ${err.message}`));
    w.on('exit', (code) => {
      if (Atomics.load(ctrl, CTRL.command) === 0) fail(`training thread ${s} exited (code ${code})`);
    });
    workers.push(w);
  }
  const stop = async () => {
    Atomics.store(ctrl, CTRL.command, 1);
    for (const i of [CTRL.generation, CTRL.done]) Atomics.notify(ctrl, i);
    await Promise.all(workers.map((w) => w.terminate()));
  };

  /** waits, without blocking this thread's event loop, until ctrl[index] reaches target */
  async function waitFor(index: number, target: number): Promise<void> {
    const t0 = Date.now();
    for (;;) {
      const v = Atomics.load(ctrl, index);
      if (Atomics.load(ctrl, CTRL.failed)) throw new Error(`a training thread failed: ${readError(memory)}`);
      if (exited) throw new Error(exited);
      if (v >= target) return;
      if (Date.now() - t0 > STALL_MS) throw new Error(`training threads stopped answering (${v} of ${target})`);
      const w = (Atomics as unknown as AtomicsWaitAsync).waitAsync(ctrl, index, v, 1000);
      if (w.async) await w.value;
    }
  }

  /**
   * The leader's weights -> shared memory, and back into its own engine the way every step
   * loads them. The load matters: it makes the transposed copies (transposed-weights.ts),
   * and a dense forward with one sums in another order than without. A resume (after a
   * cancel as after a kill -9) set the checkpoint's weights with setWeights, so its first step
   * ran without them: 15,620 of 158,992 weights of a 784-100-4 VAE ended off the uninterrupted run's.
   */
  const publish = () => {
    share.publishWeights();
    share.loadWeights();
  };

  try {
    await waitFor(CTRL.ready, n - 1);
  } catch (err) {
    await stop();
    throw err;
  }
  publish();

  return {
    threads: n,
    async run(a) {
      indices.set(a.order.subarray(a.from, a.from + a.rows));
      args[STEP.step] = a.step;
      args[STEP.rows] = a.rows;
      args[STEP.beta] = a.beta;
      args[STEP.t] = iterations + 1;
      args[STEP.lr] = o.config.lr;
      Atomics.store(ctrl, CTRL.done, 0);
      Atomics.store(ctrl, CTRL.updated, 0);
      Atomics.add(ctrl, CTRL.generation, 1);
      Atomics.notify(ctrl, CTRL.generation);
      // a thread still waiting for the last step's updates (to load the weights early) wakes,
      // sees the new generation and loads them now (grad-worker.ts)
      Atomics.notify(ctrl, CTRL.updated);

      // this thread's engine already holds the weights (loaded after the last step)
      share.computeGradient();
      Atomics.add(ctrl, CTRL.done, 1);
      Atomics.notify(ctrl, CTRL.done);
      await waitFor(CTRL.done, n);
      share.updateSlice();
      Atomics.add(ctrl, CTRL.updated, 1);
      Atomics.notify(ctrl, CTRL.updated);
      await waitFor(CTRL.updated, n);
      iterations++;
      // the trainer's model must hold the new weights (held-out loss, checkpoints)
      share.loadWeights();

      const sums = [0, 0, 0];
      for (let s = 0; s < n; s++) for (let j = 0; j < RESULT_SIZE; j++) sums[j]! += results[s * RESULT_SIZE + j]!;
      return tf.tensor1d(sums);
    },
    async optimizerState(): Promise<OptimizerState> {
      const weights = model.paramNames.flatMap((name, i) => {
        const v = model.variables[i]!;
        const o = share.offsets[i]!;
        return [
          { name: `${name}/m`, shape: v.shape.slice(), data: share.m.slice(o, o + v.size) },
          { name: `${name}/v`, shape: v.shape.slice(), data: share.v.slice(o, o + v.size) },
        ];
      });
      return { iterations, weights };
    },
    async restore(state) {
      model.paramNames.forEach((p, i) => {
        share.m.set(savedMoment(state, p, 'm').data, share.offsets[i]);
        share.v.set(savedMoment(state, p, 'v').data, share.offsets[i]);
      });
      iterations = state.iterations;
      publish();
    },
    dispose: stop,
  };
}
