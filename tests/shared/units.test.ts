// Bits per dimension and PSNR: the figures runs of different likelihoods and datasets compare in.
import { describe, expect, it } from 'vitest';
import { bitsPerDim, bpdNote, psnr } from '../../src/shared/units';

describe('bitsPerDim', () => {
  it('adds the 8 bits of discretization to a density over [0, 1] pixels (Gaussian, continuous Bernoulli)', () => {
    // the faces run: "loss -1641" nats on 64 x 64 grey images
    const b = bitsPerDim(-1641, 64 * 64, { likelihood: 'gaussian', model: 'vae' });
    expect(b.kind).toBe('8-bit');
    expect(b.value).toBeCloseTo(-1641 / (4096 * Math.LN2) + 8, 10);
    expect(b.value).toBeCloseTo(7.422, 3);
    expect(bitsPerDim(0, 784, { likelihood: 'cbernoulli', model: 'vae' }).value).toBe(8);
  });

  it('leaves a binarized likelihood in bits per binary pixel (binarized MNIST: 80 nats is 0.147)', () => {
    const b = bitsPerDim(80, 784, { likelihood: 'binarized', model: 'vae' });
    expect(b.kind).toBe('binary');
    expect(b.value).toBeCloseTo(0.1472, 4);
  });

  it('calls Bernoulli on grey pixels a cross-entropy, and an AE reconstruction only', () => {
    const b = bitsPerDim(100, 784, { likelihood: 'bernoulli', model: 'ae' });
    expect(b.kind).toBe('cross-entropy');
    expect(b.reconstructionOnly).toBe(true);
    expect(bpdNote(b)).toMatch(/not a likelihood.*reconstruction only/);
    expect(bitsPerDim(100, 784, { likelihood: 'gaussian', model: 'dae' }).reconstructionOnly).toBe(true);
    expect(bitsPerDim(100, 784, { likelihood: 'gaussian', model: 'hvae' }).reconstructionOnly).toBe(false);
  });

  it('says a fixed-spread Gaussian figure compares only with runs of the same spread (the default 0.1 where none is set)', () => {
    const b = bitsPerDim(1001.88, 64 * 64, { likelihood: 'gaussian', model: 'vae', sigma: 0.5 });
    expect(b.fixedSigma).toBe(0.5);
    expect(bpdNote(b)).toMatch(/fixed spread 0\.5: the figure grows with the spread, so compare it with runs of the same spread/);
    expect(bitsPerDim(0, 784, { likelihood: 'gaussian', model: 'vae' }).fixedSigma).toBe(0.1);
    expect(bitsPerDim(0, 784, { likelihood: 'gaussian-learned', model: 'vae' }).fixedSigma).toBeUndefined();
    expect(bpdNote(bitsPerDim(0, 784, { likelihood: 'gaussian', model: 'ae', sigma: 0.2 }))).toMatch(/spread 0\.2.*; reconstruction only/);
  });
});

describe('psnr', () => {
  it('is 10 log10(1 / mse) for pixels in [0, 1]', () => {
    expect(psnr(0.01)).toBeCloseTo(20, 10);
    expect(psnr(0.001)).toBeCloseTo(30, 10);
    expect(psnr(0)).toBe(Infinity);
  });
});
