// The continuous Bernoulli's mean image is accurate everywhere, near l = 0 too, where its two
// terms (each about 1/l) cancel; the exported models compute it the same way (likelihood.ts).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { meanImage } from '../../src/main/core/model/likelihood.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** The mean 1 / (1 - e^-l) - 1/l in float64, by its series where that loses digits. */
function exactMean(l: number): number {
  if (Math.abs(l) < 1e-3) return 0.5 + l / 12 - l ** 3 / 720;
  return 1 / -Math.expm1(-l) - 1 / l;
}

describe('continuous Bernoulli mean', () => {
  it('is within 1e-6 of the exact mean for logits from -8 to 8, the small ones most of all', () => {
    const logits = Float32Array.from({ length: 4001 }, (_, i) => {
      const u = (i - 2000) / 2000; // -1..1, dense near 0
      return Math.sign(u) * 8 * u * u;
    });
    const got = tf.tidy(() => meanImage('cbernoulli', { logits: tf.tensor2d(logits, [1, logits.length]) }).dataSync());
    let worst = 0;
    logits.forEach((l, i) => (worst = Math.max(worst, Math.abs(got[i]! - exactMean(l)))));
    expect(worst).toBeLessThan(1e-6);
  });
});
