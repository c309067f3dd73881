// The explore caches under concurrency, with real TF.js models: two cold calls share one load,
// a model evicted while a call still uses it is disposed only when that call releases it, and
// the cache is bounded by bytes.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend';
import { ResourceCache } from '../../src/main/core/cache';
import { createModel, type VaeModel } from '../../src/main/core/model/vae';

const shape = { height: 28, width: 28, channels: 1 } as const;
const modelBytes = (m: VaeModel): number => m.variables.reduce((s, v) => s + v.size * 4, 0);

function models(maxBytes: number): { cache: ResourceCache<string, VaeModel>; loads: string[] } {
  const loads: string[] = [];
  const cache = new ResourceCache<string, VaeModel>({
    maxBytes,
    sizeOf: modelBytes,
    dispose: (m) => m.dispose(),
  });
  return { cache, loads };
}

function load(loads: string[], key: string, hidden = 32): () => Promise<VaeModel> {
  return async () => {
    loads.push(key);
    await new Promise((r) => setTimeout(r, 20)); // a read from disk takes a while
    return createModel({ model: 'vae', family: 'mlp', latent: 2, hidden: [hidden], likelihood: 'bernoulli', beta: 1 }, shape, 0, 1);
  };
}

const disposed = (m: VaeModel): boolean => m.variables[0]!.isDisposed;

beforeAll(async () => {
  await initBackend('wasm');
});

describe('resource cache', () => {
  it('shares one load between concurrent cold calls', async () => {
    const { cache, loads } = models(1e9);
    const leases = await Promise.all([1, 2, 3, 4, 5].map(() => cache.acquire('a', load(loads, 'a'))));
    expect(loads).toEqual(['a']);
    expect(new Set(leases.map((l) => l.value)).size).toBe(1);
    for (const l of leases) l.release();
    cache.clear();
  });

  it('disposes an evicted model only on its last release', async () => {
    const before = tf.memory().numTensors;
    const { cache, loads } = models(1); // room for one model: every new one evicts the last
    const a1 = await cache.acquire('a', load(loads, 'a'));
    const a2 = await cache.acquire('a', load(loads, 'a'));
    const b = await cache.acquire('b', load(loads, 'b'));
    // a was evicted by b but two calls still hold it
    expect(disposed(a1.value)).toBe(false);
    a1.release();
    expect(disposed(a1.value)).toBe(false);
    a2.release();
    expect(disposed(a1.value)).toBe(true);
    expect(disposed(b.value)).toBe(false);
    b.release();
    expect(cache.size()).toBe(1); // b stays cached after its release
    cache.clear();
    expect(disposed(b.value)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the cached bytes under the bound, oldest out first', async () => {
    const probe = await load([], 'probe')();
    const one = modelBytes(probe);
    probe.dispose();
    const bounded = models(2.5 * one);
    for (const key of ['a', 'b', 'c', 'a']) (await bounded.cache.acquire(key, load(bounded.loads, key))).release();
    expect(bounded.cache.bytes()).toBeLessThanOrEqual(2.5 * one);
    expect(bounded.loads).toEqual(['a', 'b', 'c', 'a']); // a was the oldest when c came
    bounded.cache.clear();
  });

  it('forgets a failed load so the next call tries again', async () => {
    const { cache } = models(1e9);
    await expect(cache.acquire('x', () => Promise.reject(new Error('no such checkpoint')))).rejects.toThrow(/no such/);
    const loads: string[] = [];
    const l = await cache.acquire('x', load(loads, 'x'));
    expect(loads).toEqual(['x']);
    l.release();
    cache.clear();
  });
});
