// `latent-lab scatter` on a CVAE with a learned prior (form 4, CMMA): besides the points, each
// class's p(z|y) on the same axes, on stderr (so the CSV stays the points). Real MNIST, a tiny run.
import { describe, expect, it } from 'vitest';
import { withDataDir } from './harness';

const { cli } = withDataDir('ll-cli-scatter-priors-');

describe('scatter of a form-4 CVAE', () => {
  it("prints each class's prior beside the points: on two dims without correlation, on PCA with one", async () => {
    expect((await cli('import', 'mnist')).code).toBe(0);
    const flags = ['--model', 'cvae', '--form', '4', '--latent', '3', '--epochs', '1', '--limit', '500', '--hidden', '32'];
    const trained = await cli('train', '--dataset', 'mnist', ...flags, '--batch', '100', '--threads', '1');
    expect(trained.code, trained.err).toBe(0);

    const dims = await cli('scatter', 'last', '--dims', '2,0', '--limit', '200');
    expect(dims.code, dims.err).toBe(0);
    expect(dims.out.split('\n')).toHaveLength(201);
    const lines = dims.err.split('\n').filter((l) => l.includes('prior p(z|y)'));
    expect(lines).toHaveLength(10);
    expect(lines[7]).toMatch(/^class 7 prior p\(z\|y\): mean -?\d+\.\d{3},-?\d+\.\d{3}, sd \d+\.\d{3},\d+\.\d{3}, correlation 0\.000$/);

    const pca = await cli('scatter', 'last', '--projection', 'pca', '--limit', '200');
    const correlations = pca.err
      .split('\n')
      .filter((l) => l.includes('prior p(z|y)'))
      .map((l) => Number(/correlation (-?[\d.]+)/.exec(l)![1]));
    expect(correlations).toHaveLength(10);
    expect(correlations.every((r) => Math.abs(r) <= 1)).toBe(true);
    expect(correlations.some((r) => Math.abs(r) > 0.001)).toBe(true);

    const umap = await cli('scatter', 'last', '--projection', 'umap', '--limit', '200');
    expect(umap.err).not.toMatch(/prior/);
  });
});
