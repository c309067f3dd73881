// `latent-lab scatter`: the encoded test set as CSV, on two dims, PC1 x PC2 or a UMAP layout
// that the same seed gives again. Real MNIST, a real (tiny) run.
import { describe, expect, it } from 'vitest';
import { withDataDir } from './harness';

const { cli } = withDataDir('ll-cli-scatter-');

const rows = (csv: string): string[][] =>
  csv
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));

describe('scatter', () => {
  it('prints dims, PCA and a reproducible UMAP layout as index,label,x,y', async () => {
    expect((await cli('import', 'mnist')).code).toBe(0);
    const trained = await cli(
      'train',
      '--dataset',
      'mnist',
      '--model',
      'vae',
      '--latent',
      '4',
      '--epochs',
      '1',
      '--limit',
      '500',
      '--hidden',
      '32',
      '--batch',
      '100',
      '--threads',
      '1',
    );
    expect(trained.code, trained.err).toBe(0);

    const dims = await cli('scatter', 'last', '--dims', '1,2', '--limit', '300');
    expect(dims.code, dims.err).toBe(0);
    expect(dims.out.split('\n')[0]).toBe('index,label,x,y');
    expect(rows(dims.out)).toHaveLength(300);
    expect(dims.err).toMatch(/^300 test images on z1 x z2 in/);

    const pca = await cli('scatter', 'last', '--projection', 'pca', '--limit', '300');
    expect(pca.code, pca.err).toBe(0);
    expect(pca.err).toMatch(/on PC1 · \d+% x PC2 · \d+%/);

    const a = await cli('scatter', 'last', '--projection', 'umap', '--seed', '3', '--limit', '300');
    expect(a.code, a.err).toBe(0);
    expect(a.err).toMatch(/^300 test images laid out by UMAP \(seed 3\)/);
    const points = rows(a.out);
    expect(points).toHaveLength(300);
    // the test images, each with its label, at finite places
    for (const [index, label, x, y] of points) {
      expect(Number(index)).toBeGreaterThanOrEqual(60000);
      expect(Number(label)).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(Number(x)) && Number.isFinite(Number(y))).toBe(true);
    }
    // a new service (a new CLI call) computes it again: the same seed, the same layout
    const b = await cli('scatter', 'last', '--projection', 'umap', '--seed', '3', '--limit', '300');
    expect(b.out).toBe(a.out);
    const c = await cli('scatter', 'last', '--projection', 'umap', '--seed', '4', '--limit', '300');
    expect(c.out).not.toBe(a.out);
  });
});
