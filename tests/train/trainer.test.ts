// The trainer on a small real MNIST subset (wasm): it learns, it is reproducible, resume
// after cancel equals a straight run, nothing leaks, checkpoints are atomic and loadable.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { createModel } from '../../src/main/core/model/vae.js';
import {
  exportTfjsModel,
  heldOutLoss,
  latestCheckpointDir,
  loadRunModel,
  pickIndices,
  readCheckpoint,
  trainInProcess,
  type TrainEvent,
} from '../../src/main/core/train/index.js';
import type { Dataset, EpochResult, TrainConfig } from '../../src/main/core/types.js';
import { mnistSubsetFile } from './mnist-subset.js';

let dir = '';
let file = '';
let ds: Dataset;

const base: TrainConfig = {
  model: 'vae',
  family: 'mlp',
  latent: 8,
  hidden: [200],
  likelihood: 'bernoulli',
  beta: 1,
  epochs: 2,
  batch: 100,
  lr: 2e-3,
  seed: 3,
};

async function train(name: string, cfg: Partial<TrainConfig>, opts: { resume?: boolean; cancelAfterEpoch?: number } = {}) {
  const events: TrainEvent[] = [];
  const ac = new AbortController();
  const outcome = await trainInProcess(
    { config: { ...base, ...cfg }, datasetFile: file, runDir: join(dir, name), resume: opts.resume ?? false, backend: 'wasm' },
    (e) => {
      events.push(e);
      if (e.type === 'epoch' && e.result.epoch === opts.cancelAfterEpoch) ac.abort();
    },
    ac.signal,
  );
  const epochs = events.filter((e): e is Extract<TrainEvent, { type: 'epoch' }> => e.type === 'epoch').map((e) => e.result);
  return { outcome, events, epochs };
}

beforeAll(async () => {
  await initBackend('wasm');
  ({ dir, file, ds } = await mnistSubsetFile(2000, 400));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('trainInProcess', () => {
  it('lowers the held-out loss on real digits and reports events', async () => {
    const { train: trainIdx, test } = pickIndices(ds, base);
    expect(trainIdx.length).toBe(2000);
    expect(test.length).toBe(400);
    const fresh = createModel(base, { height: 28, width: 28, channels: 1 }, 10, base.seed);
    const before = (await heldOutLoss(fresh, ds, test, base.seed))!;
    fresh.dispose();

    const { outcome, events, epochs } = await train('learns', {});
    expect(outcome).toEqual({ status: 'done', epochsDone: 2 });
    const started = events[0]!;
    expect(started).toMatchObject({
      type: 'started',
      backend: 'wasm',
      startEpoch: 0,
      totalEpochs: 2,
      stepsPerEpoch: 20,
      trainCount: 2000,
      testCount: 400,
    });
    expect(events.some((e) => e.type === 'step')).toBe(true);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    const last = epochs[1]!;
    // an untrained decoder scores ~543 nats (784 log 2); two short epochs bring it well down
    expect(before.recon + before.kl).toBeGreaterThan(500);
    expect(epochs[0]!.heldOut).toBeLessThan(before.recon + before.kl - 200);
    expect(last.heldOut).toBeLessThan(epochs[0]!.heldOut);
    expect(last.heldOut).toBeCloseTo(last.heldOutRecon + last.heldOutKl, 3);
    expect(last.kl).toBeGreaterThan(0);
    expect(last.loss).toBeCloseTo(last.recon + last.kl, 1);
    expect(events.filter((e) => e.type === 'warning')).toEqual([]);
  });

  it('gives the same run for the same seed, and another for another seed', async () => {
    const a = await train('seed-a', { epochs: 1 });
    const b = await train('seed-b', { epochs: 1 });
    const c = await train('seed-c', { epochs: 1, seed: 4 });
    expect(b.epochs[0]!.heldOut).toBe(a.epochs[0]!.heldOut);
    expect(b.epochs[0]!.loss).toBe(a.epochs[0]!.loss);
    expect(c.epochs[0]!.heldOut).not.toBe(a.epochs[0]!.heldOut);
  });

  it('resumes after a cancel to the same result as an uninterrupted run', async () => {
    const straight = await train('straight', { epochs: 2 });
    const first = await train('resumed', { epochs: 2 }, { cancelAfterEpoch: 1 });
    expect(first.outcome).toEqual({ status: 'cancelled', epochsDone: 1 });
    expect(first.epochs.length).toBe(1);
    const second = await train('resumed', { epochs: 2 }, { resume: true });
    expect(second.events[0]).toMatchObject({ type: 'started', startEpoch: 1 });
    expect(second.outcome).toEqual({ status: 'done', epochsDone: 2 });
    const s = straight.epochs[1]! as EpochResult;
    const r = second.epochs[0]! as EpochResult;
    expect(r.epoch).toBe(2);
    expect(r.step).toBe(s.step);
    expect(Math.abs(r.heldOut - s.heldOut)).toBeLessThan(1e-3 * s.heldOut);
    expect(Math.abs(r.loss - s.loss)).toBeLessThan(1e-3 * s.loss);
    // the weights themselves, not just the loss
    const w1 = (await readCheckpoint(join(dir, 'straight/checkpoints/epoch-0002'), false)).weights;
    const w2 = (await readCheckpoint(join(dir, 'resumed/checkpoints/epoch-0002'), false)).weights;
    let maxDiff = 0;
    w1.forEach((w, i) => w.data.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - w2[i]!.data[j]!)))));
    expect(maxDiff).toBeLessThan(1e-3);
  });

  it('keeps the tensor count flat across epochs and releases everything at the end', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const { events } = await (async () => {
      const evs: TrainEvent[] = [];
      await trainInProcess(
        { config: { ...base, epochs: 3, limit: 600 }, datasetFile: file, runDir: join(dir, 'leak'), resume: false, backend: 'wasm' },
        (e) => {
          evs.push(e);
          if (e.type === 'epoch') {
            counts.push(tf.memory().numTensors);
            // the event says the count too (a training in a worker has no other way to tell)
            expect(e.tensors).toBe(tf.memory().numTensors);
          }
        },
      );
      return { events: evs };
    })();
    expect(counts.length).toBe(3);
    expect(new Set(counts).size).toBe(1);
    expect(events.filter((e) => e.type === 'warning')).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('writes atomic checkpoints, keeps the newest two, and they load and export', async () => {
    await train('ckpt', { epochs: 3, limit: 300 });
    const cdir = join(dir, 'ckpt/checkpoints');
    expect(readdirSync(cdir).sort()).toEqual(['epoch-0002', 'epoch-0003', 'latest']);
    expect(readFileSync(join(cdir, 'latest'), 'utf8').trim()).toBe('epoch-0003');
    const latest = (await latestCheckpointDir(join(dir, 'ckpt')))!;
    const json = JSON.parse(readFileSync(join(latest, 'model.json'), 'utf8'));
    expect(json.format).toBe('latent-lab-checkpoint');
    expect(json.trainingState).toMatchObject({ epoch: 3, step: 9, seed: 3 });
    expect(json.trainingState.optimizer.iterations).toBe(9);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toContain('enc/dense0/W');

    const m = await loadRunModel(latest);
    expect(m.epoch).toBe(3);
    expect(m.latent).toBe(8);
    const out = tf.tidy(() => m.decode(tf.zeros([2, 8])).shape);
    expect(out).toEqual([2, 784]);
    m.dispose();

    const files = await exportTfjsModel(latest, join(dir, 'export'));
    expect(files.map((f) => f.split('/').pop()).sort()).toEqual(['model.json', 'weights.bin']);
    const ex = JSON.parse(readFileSync(join(dir, 'export/model.json'), 'utf8'));
    const bytes = readFileSync(join(dir, 'export/weights.bin')).byteLength;
    const floats = ex.weightsManifest[0].weights.reduce((s: number, w: { shape: number[] }) => s + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(bytes).toBe(floats * 4);
  });

  it('stops on a non-finite loss with a clear error and keeps the last good checkpoint', async () => {
    await expect(train('nan-first', { epochs: 1, limit: 200, likelihood: 'gaussian', sigma: 1e-30 })).rejects.toThrow(
      /loss became (NaN|Infinity) at epoch 1 step 1; no checkpoint was written yet; try a lower learning rate/,
    );
    expect(existsSync(join(dir, 'nan-first/checkpoints/latest'))).toBe(false);

    await train('nan-later', { epochs: 1, limit: 200 });
    // resume with an absurd learning rate: the weights blow up in the second epoch
    await expect(train('nan-later', { epochs: 2, limit: 200, lr: 1 }, { resume: true })).rejects.toThrow(
      /at epoch 2 step \d+; the last good checkpoint \(epoch 1\) is kept/,
    );
    expect(readFileSync(join(dir, 'nan-later/checkpoints/latest'), 'utf8').trim()).toBe('epoch-0001');
  });

  it('refuses to resume with another architecture', async () => {
    await train('arch', { epochs: 1, limit: 200 });
    await expect(train('arch', { epochs: 2, limit: 200, latent: 4 }, { resume: true })).rejects.toThrow(/another model configuration/);
  });
});
