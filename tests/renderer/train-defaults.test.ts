// Defaults that follow the app's own advice: grey or colour images get a Gaussian decoder (not
// a Bernoulli the trainer then warns about), binary ones (MNIST, a folder of ink) a Bernoulli;
// a conv VAE on photos gets a KL warm-up, as an HVAE does.
import { describe, expect, it } from 'vitest';
import { defaultsFor, fromTrainConfig, suggestedWarmup, toTrainConfig } from '../../src/renderer/src/lib/models';
import type { TrainConfigInput } from '../../src/shared/schemas';
import type { DatasetInfo, RunInfo } from '../../src/shared/contract';
import { heldOutWords } from '../../src/renderer/src/lib/run-figures';

const ds = (over: Partial<DatasetInfo>): DatasetInfo =>
  ({
    id: 1,
    name: 'd',
    kind: 'folder',
    width: 16,
    height: 16,
    channels: 1,
    count: 160,
    trainCount: 80,
    labelNames: [],
    ...over,
  }) as DatasetInfo;

describe('train form defaults', () => {
  it('picks the likelihood for the data', () => {
    expect(defaultsFor(ds({ kind: 'folder', channels: 1, width: 16 })).likelihood).toBe('gaussian');
    expect(defaultsFor(ds({ kind: 'folder', channels: 1, width: 16, pixels: 'binary' })).likelihood).toBe('bernoulli');
    expect(defaultsFor(ds({ kind: 'mnist', channels: 1, width: 28, trainCount: 60000 })).likelihood).toBe('bernoulli');
    expect(defaultsFor(undefined).likelihood).toBe('bernoulli');
    expect(defaultsFor(ds({ kind: 'folder', channels: 3, width: 64 })).likelihood).toBe('gaussian');
    expect(defaultsFor(ds({ kind: 'folder', channels: 1, width: 64 })).likelihood).toBe('gaussian');
  });

  it('suggests a warm-up where the KL is likely to collapse, and keeps one the user set', () => {
    const faces = ds({ kind: 'folder', channels: 1, width: 64, height: 64 });
    const mnist = ds({ kind: 'mnist', channels: 1, width: 28 });
    expect(suggestedWarmup({ model: 'vae', family: 'conv', warmup: 0 }, faces)).toBe(10);
    expect(suggestedWarmup({ model: 'vae', family: 'mlp', warmup: 0 }, faces)).toBe(0);
    expect(suggestedWarmup({ model: 'vae', family: 'conv', warmup: 0 }, mnist)).toBe(0);
    expect(suggestedWarmup({ model: 'ae', family: 'conv', warmup: 0 }, faces)).toBe(0);
    expect(suggestedWarmup({ model: 'hvae', family: 'mlp', warmup: 0 }, mnist)).toBe(5);
    expect(suggestedWarmup({ model: 'vae', family: 'conv', warmup: 3 }, faces)).toBe(3);
  });

  it("reads a run's config back into the form, so the form can show a training it did not start", () => {
    const mnist = ds({ kind: 'mnist', channels: 1, width: 28, trainCount: 60000 });
    const configs: TrainConfigInput[] = [
      { model: 'ae', family: 'mlp', latent: 3, likelihood: 'bernoulli', beta: 1, epochs: 400, batch: 8, lr: 0.002, seed: 7, hidden: [64] },
      {
        model: 'hvae',
        family: 'mlp',
        latent: 32,
        latent2: 16,
        levels: 3,
        latent3: 8,
        likelihood: 'gaussian',
        sigma: 0.2,
        beta: 2,
        epochs: 5,
        batch: 64,
        lr: 0.001,
        seed: 1,
        warmup: 5,
        hidden: [400, 200],
      },
      {
        model: 'cvae',
        family: 'conv',
        latent: 10,
        likelihood: 'cbernoulli',
        beta: 1,
        epochs: 3,
        batch: 32,
        lr: 0.001,
        seed: 2,
        form: 4,
        hidden: [128],
        objective: 'iwae',
        k: 7,
      },
      {
        model: 'cvae',
        family: 'mlp',
        latent: 10,
        likelihood: 'bernoulli',
        beta: 1,
        epochs: 3,
        batch: 32,
        lr: 0.001,
        seed: 2,
        learnedPrior: true,
        hidden: [128],
      },
      {
        model: 'dae',
        family: 'mlp',
        latent: 8,
        likelihood: 'binarized',
        beta: 1,
        epochs: 2,
        batch: 16,
        lr: 0.01,
        seed: 3,
        noise: { kind: 'mask', level: 0.5 },
        limit: 1000,
        hidden: [32],
      },
    ];
    for (const c of configs) expect(toTrainConfig(fromTrainConfig(c, mnist)), c.model).toEqual(c);
  });
});

describe('the best held-out loss in words', () => {
  const run = (over: Partial<RunInfo['config']>, bestHeldOut: number) =>
    ({ datasetId: 1, bestHeldOut, config: { model: 'vae', likelihood: 'gaussian', ...over } }) as unknown as RunInfo;
  const data = [ds({ id: 1, width: 16, height: 16, channels: 1 })];

  it('says each unit, and why a negative figure is not a bug', () => {
    const g = heldOutWords(run({}, -1738.2), data)!;
    expect(g.nats).toBe(
      '-1,738.20 nats per image (below zero: the Gaussian density of continuous pixels is above 1; lower is still better)',
    );
    expect(g.bpd).toMatch(/^-?\d+\.\d{3} bits per 8-bit pixel value$/);
    const b = heldOutWords(run({ likelihood: 'bernoulli' }, 146.58), data)!;
    expect(b.nats).toBe('146.58 nats per image');
    expect(b.bpd).toBe('0.826 bits per pixel as a cross-entropy on grey pixels (compares with other Bernoulli runs only)');
    expect(heldOutWords(run({ model: 'ae' }, 10), data)!.bpd).toMatch(/reconstruction only: an autoencoder has no KL term$/);
    expect(heldOutWords(run({}, NaN), data)).toBeNull();
  });
});
