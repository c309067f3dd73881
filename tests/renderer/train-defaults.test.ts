// Defaults that follow the app's own advice: grey or colour images get a Gaussian decoder (not
// a Bernoulli the trainer then warns about), binary ones (MNIST, a folder of ink) a Bernoulli;
// a conv VAE on photos gets a KL warm-up, as an HVAE does.
import { describe, expect, it } from 'vitest';
import { defaultsFor, suggestedWarmup } from '../../src/renderer/src/lib/models';
import type { DatasetInfo } from '../../src/shared/contract';

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
});
