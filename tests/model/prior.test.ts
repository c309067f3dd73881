// The priors: each one's kl() must be the expectation of log q(z|x) - logPrior(z) under q, the
// identity that ties the ELBO (which uses kl) to the importance-weighted bound (which uses
// logPrior). A new prior variant gets checked by adding it to the list.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { ParamStore } from '../../src/main/core/model/layers.js';
import { hierarchicalPrior, learnedPrior, standardNormalPrior, type Prior } from '../../src/main/core/model/prior.js';
import { logNormal, reparameterize } from '../../src/main/core/model/distributions.js';
import { oneHot } from '../../src/main/core/model/vae.js';
import { Rng } from '../../src/main/core/model/rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const L = 3;
const N = 20_000;

/** mean of kl() and of log q - logPrior over N draws from one q, with their standard error */
function compare(prior: Prior, y?: tf.Tensor2D): { kl: number; mc: number; se: number } {
  return tf.tidy(() => {
    const rng = new Rng(7);
    const q = {
      mu: tf.tile(tf.tensor2d([[0.5, -1.2, 0.1]]), [N, 1]) as tf.Tensor2D,
      logvar: tf.tile(tf.tensor2d([[-0.7, 0.4, -2.0]]), [N, 1]) as tf.Tensor2D,
    };
    const ys = y ? (tf.tile(y, [N, 1]) as tf.Tensor2D) : undefined;
    const z = reparameterize(q, rng);
    const kl = tf.mean(prior.kl(q, z, ys, rng)).dataSync()[0]!;
    const w = tf.sub(logNormal(z, q.mu, q.logvar), prior.logPrior(z, ys, rng));
    const { mean, variance } = tf.moments(w);
    return { kl, mc: mean.dataSync()[0]!, se: Math.sqrt(variance.dataSync()[0]! / N) };
  });
}

describe('priors', () => {
  // built when the test runs: the backend is set up in beforeAll
  const ps = new ParamStore(new Rng(3));
  const cases: [string, () => Prior, () => tf.Tensor2D | undefined][] = [
    ['N(0, I)', () => standardNormalPrior, () => undefined],
    ['learned p(z | y)', () => learnedPrior(ps, 4, L), () => oneHot([2], 4)],
    ['hierarchical p(z1 | z2) p(z2)', () => hierarchicalPrior(ps, [16], 'tanh', L, 2), () => undefined],
  ];

  it.each(cases)('%s: kl() is E_q[log q(z) - logPrior(z)]', (_name, makePrior, makeLabel) => {
    const prior = makePrior();
    const before = tf.memory().numTensors;
    const y = makeLabel();
    const { kl, mc, se } = compare(prior, y);
    y?.dispose();
    expect(Number.isFinite(kl)).toBe(true);
    expect(Math.abs(kl - mc)).toBeLessThan(5 * se + 0.02);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a learned prior needs the labels', () => {
    const p = learnedPrior(new ParamStore(new Rng(1)), 4, L);
    expect(() => tf.tidy(() => p.logPrior(tf.zeros([1, L]), undefined, new Rng(1)))).toThrow(/needs the one-hot labels/);
  });
});
