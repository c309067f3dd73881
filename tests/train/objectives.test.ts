// The objectives and model forms beyond the ELBO VAE, each trained by the real trainer on real
// digits: the held-out loss must fall from the untrained model's.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { createModel } from '../../src/main/core/model/vae.js';
import { heldOutLoss, pickIndices, trainInProcess } from '../../src/main/core/train/index.js';
import type { TrainEvent } from '../../src/main/core/train/types.js';
import type { Dataset, EpochResult, TrainConfig } from '../../src/main/core/types.js';
import { mnistSubsetFile } from './mnist-subset.js';

let dir = '';
let file = '';
let ds: Dataset;

// small enough for two shared cores: 1000 digits, one 128-wide layer, two epochs
const model: Pick<TrainConfig, 'model' | 'family' | 'latent' | 'hidden' | 'likelihood' | 'beta'> = {
  model: 'vae',
  family: 'mlp',
  latent: 8,
  hidden: [128],
  likelihood: 'bernoulli',
  beta: 1,
};
const base: TrainConfig = { ...model, epochs: 2, batch: 100, lr: 2e-3, seed: 3, threads: 1 };

/** The held-out loss of the untrained model, then the run's epochs. */
async function trainAndCompare(cfg: TrainConfig): Promise<{ before: number; epochs: EpochResult[]; warnings: string[] }> {
  const { test } = pickIndices(ds, cfg);
  const fresh = createModel(cfg, { height: 28, width: 28, channels: 1 }, 10, cfg.seed);
  const h = (await heldOutLoss(fresh, ds, test, cfg.seed))!;
  fresh.dispose();
  const events: TrainEvent[] = [];
  const name = `${cfg.model}-${JSON.stringify(cfg).length}-${Math.random().toString(36).slice(2)}`;
  const outcome = await trainInProcess({ config: cfg, datasetFile: file, runDir: join(dir, name), resume: false, backend: 'wasm' }, (e) =>
    events.push(e),
  );
  expect(outcome.status).toBe('done');
  const epochs = events.filter((e): e is Extract<TrainEvent, { type: 'epoch' }> => e.type === 'epoch').map((e) => e.result);
  const warnings = events.filter((e): e is Extract<TrainEvent, { type: 'warning' }> => e.type === 'warning').map((e) => e.message);
  return { before: h.recon + h.kl, epochs, warnings };
}

beforeAll(async () => {
  await initBackend('wasm');
  ({ dir, file, ds } = await mnistSubsetFile(1000, 200));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the IWAE objective in the trainer', () => {
  it('k = 5 lowers the held-out loss, on one thread and data-parallel on two', async () => {
    for (const threads of [1, 2]) {
      const { before, epochs, warnings } = await trainAndCompare({ ...base, objective: 'iwae', k: 5, threads });
      expect(warnings).toEqual([]);
      expect(epochs).toHaveLength(2);
      expect(epochs[0]!.heldOut).toBeLessThan(before - 150);
      expect(epochs[1]!.heldOut).toBeLessThan(epochs[0]!.heldOut);
      // the IWAE loss lies below the single-sample ELBO its parts add up to
      expect(epochs[1]!.loss).toBeLessThan(epochs[1]!.recon + epochs[1]!.kl);
    }
  });
});

describe('the Markov HVAE in the trainer', () => {
  it('T = 3 (sizes 8, 4, 2) lowers the held-out loss', async () => {
    const { before, epochs, warnings } = await trainAndCompare({ ...base, model: 'hvae', levels: 3, latent2: 4, latent3: 2 });
    expect(epochs[1]!.heldOut).toBeLessThan(before - 150);
    expect(epochs[1]!.heldOut).toBeLessThan(epochs[0]!.heldOut);
    expect(warnings).toEqual([]);
  });
});

describe('the CVAE forms in the trainer', () => {
  it('form 3 (prediction) and form 4 (CMMA) lower the held-out loss', async () => {
    const three = await trainAndCompare({ ...base, model: 'cvae', form: 3 });
    // -log p(y|x): log 10 = 2.3 nats per label untrained
    expect(three.epochs[1]!.heldOut).toBeLessThan(three.before - 1);
    const four = await trainAndCompare({ ...base, model: 'cvae', form: 4 });
    expect(four.epochs[1]!.heldOut).toBeLessThan(four.before - 150);
    expect([...three.warnings, ...four.warnings]).toEqual([]);
  });
});
