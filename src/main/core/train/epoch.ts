// One epoch of mini-batch steps: throttled progress events, cancel between steps, losses
// read back in groups (one read per step on wasm, every few steps on a GPU).
import * as tf from '@tensorflow/tfjs-core';
import type { StepProgress } from '../types.js';
import type { StepEngine } from './step.js';
import { yieldToEventLoop } from './yield.js';

const STEP_EVENT_MS = 100;
/** how often the loop lets the event loop run (cancel messages, I/O) */
const YIELD_MS = 40;

export interface EpochPlan {
  engine: StepEngine;
  /** this epoch's shuffled training indices */
  order: Int32Array;
  batch: number;
  stepsPerEpoch: number;
  /** 0-based */
  epoch: number;
  /** global step count before this epoch */
  step: number;
  beta: number;
  warmup?: number;
  /** steps whose losses are read back together */
  readEvery: number;
  signal?: AbortSignal;
  onStep: (p: StepProgress) => void;
  /** the error for a loss that is not finite (says which checkpoint is kept) */
  lossError: (loss: number, epoch: number, stepInEpoch: number) => Error;
}

export interface EpochTotals {
  /** sums over images of the per-image means (divide by n) */
  loss: number;
  recon: number;
  kl: number;
  n: number;
  /** time spent in steps, without the pauses for the event loop */
  trainMs: number;
  steps: number;
}

interface Pending {
  values: tf.Tensor1D;
  rows: number;
  index: number;
}

/** Runs the epoch; null when cancelled. */
export async function trainEpoch(p: EpochPlan): Promise<EpochTotals | null> {
  const total: EpochTotals = { loss: 0, recon: 0, kl: 0, n: 0, trainMs: 0, steps: 0 };
  const win = { loss: 0, recon: 0, kl: 0, steps: 0, images: 0, ms: 0 };
  const n = p.order.length;
  let pending: Pending[] = [];
  let lastEvent = performance.now();
  let lastYield = performance.now();

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const t0 = performance.now();
    const group = pending;
    pending = [];
    const joined = group.length === 1 ? group[0]!.values : tf.concat(group.map((g) => g.values));
    const values = await joined.data();
    tf.dispose([joined, ...group.map((g) => g.values)]);
    busy(performance.now() - t0);
    group.forEach((g, j) => {
      const [loss, recon, kl] = [values[3 * j]!, values[3 * j + 1]!, values[3 * j + 2]!];
      if (!Number.isFinite(loss)) throw p.lossError(loss, p.epoch, g.index);
      total.loss += loss * g.rows;
      total.recon += recon * g.rows;
      total.kl += kl * g.rows;
      total.n += g.rows;
      win.loss += loss;
      win.recon += recon;
      win.kl += kl;
      win.steps++;
      win.images += g.rows;
    });
  };
  const busy = (ms: number) => {
    total.trainMs += ms;
    win.ms += ms;
  };

  try {
    for (let i = 0; i < p.stepsPerEpoch; i++) {
      if (p.signal?.aborted) return null;
      const t0 = performance.now();
      const from = i * p.batch;
      const rows = Math.min(p.batch, n - from);
      const warm = p.warmup && p.warmup > 0 ? Math.min(1, (p.epoch + i / p.stepsPerEpoch) / p.warmup) : 1;
      const values = await p.engine.run({ order: p.order, from, rows, beta: p.beta * warm, step: p.step + total.steps });
      pending.push({ values, rows, index: i });
      total.steps++;
      busy(performance.now() - t0);

      const last = i === p.stepsPerEpoch - 1;
      const now = performance.now();
      const eventDue = now - lastEvent >= STEP_EVENT_MS || last;
      if (pending.length >= p.readEvery || eventDue) await flush();
      if (eventDue && win.steps > 0) {
        p.onStep({
          epoch: p.epoch,
          step: p.step + total.steps,
          stepsPerEpoch: p.stepsPerEpoch,
          loss: win.loss / win.steps,
          recon: win.recon / win.steps,
          kl: win.kl / win.steps,
          imagesPerSec: win.ms > 0 ? (win.images * 1000) / win.ms : 0,
        });
        Object.assign(win, { loss: 0, recon: 0, kl: 0, steps: 0, images: 0, ms: 0 });
        lastEvent = performance.now();
      }
      if (performance.now() - lastYield >= YIELD_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    await flush();
    return total;
  } finally {
    tf.dispose(pending.map((g) => g.values));
  }
}
