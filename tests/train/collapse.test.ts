// A run whose KL collapses says so: with a beta so large that the code is not worth its KL, most
// dimensions carry under 0.01 nats and the trainer warns once, naming the cure; a healthy run does not.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { collapsedDims, collapseVerdict, MIN_JUDGED_EPOCHS, MIN_JUDGED_STEPS } from '../../src/main/core/train/collapse.js';
import { trainInProcess } from '../../src/main/core/train/index.js';
import type { TrainEvent } from '../../src/main/core/train/types.js';
import type { TrainConfig } from '../../src/main/core/types.js';
import { mnistSubsetFile } from './mnist-subset.js';

let dir = '';
let file = '';

beforeAll(async () => {
  await initBackend('wasm');
  ({ dir, file } = await mnistSubsetFile(1000, 200));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function warnings(cfg: TrainConfig): Promise<string[]> {
  const events: TrainEvent[] = [];
  const runDir = join(dir, `run-${Math.random().toString(36).slice(2)}`);
  const out = await trainInProcess({ config: cfg, datasetFile: file, runDir, resume: false, backend: 'wasm' }, (e) => events.push(e));
  expect(out.status).toBe('done');
  return events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
}

describe('posterior collapse warning', () => {
  it('counts the dimensions under 0.01 nats', () => {
    expect(collapsedDims([0.5, 0.009, 0, 2, 0.001])).toBe(3);
  });

  it('warns once when most dimensions collapse, and not for a healthy run', async () => {
    const base: TrainConfig = {
      model: 'vae',
      family: 'mlp',
      latent: 8,
      hidden: [128],
      likelihood: 'bernoulli',
      beta: 1,
      epochs: 4,
      batch: 100,
      lr: 2e-3,
      seed: 3,
      threads: 1,
    };
    const collapsed = (await warnings({ ...base, beta: 200 })).filter((w) => /posterior collapse/.test(w));
    expect(collapsed).toHaveLength(1);
    expect(collapsed[0]).toMatch(/of 8 latent dimensions carry under 0.01 nats/);
    expect(collapsed[0]).toMatch(/warm-up/);
    expect((await warnings(base)).filter((w) => /posterior collapse/.test(w))).toEqual([]);
  });
});

describe('a collapsed run as a result', () => {
  const at = (step: number, activeUnits: number, dimKl: number[]) => ({ epoch: 15, step, activeUnits, dimKl });

  it('ends collapsed under two dimensions in use, with the reason', () => {
    const v = collapseVerdict(at(180, 0, [0.01, 0.02, 0.3, 0.19]));
    expect(v?.status).toBe('collapsed');
    expect(v?.reason).toMatch(
      /^posterior collapse: 0 of 4 latent dimensions in use after epoch 15 \(0 whose mean varies .* 2 with 0\.1 nats of KL or more; 0\.52 nats in all\).*Retry with safer settings/,
    );
    expect(collapseVerdict(at(180, 1, [3, 0, 0, 0]))?.status).toBe('collapsed');
    // the faces VAE with beta 100: 6 of 10 units "active", 0.13 nats of KL in all
    const faces = [0.025, 0.005, 0.022, 0.004, 0.003, 0.012, 0.008, 0.012, 0.013, 0.022];
    expect(collapseVerdict(at(180, 6, faces))?.reason).toMatch(/^posterior collapse: 0 of 10 latent dimensions in use .*\(6 whose mean/);
  });

  it('judges a run of few steps but many epochs when no dimension is in use at all', () => {
    // the faces' conv VAE at batch 128 (3 steps an epoch): 15 epochs, 45 steps, 0 of 16 units, 0.10 nats
    const conv = [0.019, 0.018, 0.008, 0.007, 0.006, 0.006, 0.005, 0.005, 0.004, 0.004, 0.003, 0.003, 0.003, 0.002, 0.002, 0.001];
    const short = (epoch: number, activeUnits: number, dimKl: number[]) => ({ epoch, step: 3 * epoch, activeUnits, dimKl });
    expect(collapseVerdict(short(15, 0, conv))?.reason).toMatch(/^posterior collapse: 0 of 16 latent dimensions in use after epoch 15/);
    // fewer epochs than that is an unfinished model; one dimension in use, a small code still learning
    expect(collapseVerdict(short(MIN_JUDGED_EPOCHS - 1, 0, conv))).toBeNull();
    expect(collapseVerdict(short(15, 1, [0.5, ...conv.slice(1)]))).toBeNull();
  });

  it('leaves a healthy run, a run too short to judge and a model with no KL term alone', () => {
    expect(collapseVerdict(at(180, 2, [3, 2, 0, 0]))).toBeNull();
    expect(collapseVerdict(at(180, 10, [2.4, 2.2, 2.2, 2.1, 2, 2, 1.9, 1.8, 1.7, 1.5]))).toBeNull();
    expect(collapseVerdict({ ...at(MIN_JUDGED_STEPS - 1, 0, [0, 0]), epoch: MIN_JUDGED_EPOCHS - 1 })).toBeNull();
    expect(collapseVerdict({ epoch: 15, step: 180 })).toBeNull();
    expect(collapseVerdict(null)).toBeNull();
  });
});
