// Samples from a Gaussian mixture on a CVAE, per class: the mixture is fitted to the encoded
// training means of the asked class only and decoded with that class. A form-4 CVAE (CMMA) is
// the telling model: its decoder never sees the label, so whatever makes a class-3 draw look
// like a 3 comes from where the mixture put the codes. Trained for real through the CLI.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Grid } from '../../src/shared/contract';
import { invoke } from '../../src/main/dispatch';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { withDataDir } from '../cli/harness';
import { value } from '../export/tiny-run';

const D = 784;

/** the pixel-wise mean of a grid's tiles */
function meanImage(g: Grid): Float64Array {
  const m = new Float64Array(D);
  for (let i = 0; i < g.n; i++) for (let p = 0; p < D; p++) m[p]! += g.tiles[i * D + p]! / g.n;
  return m;
}

/** per tile, the index of the nearest (pixel L2) of the given mean images */
function nearestMean(g: Grid, means: Float64Array[]): number[] {
  return Array.from({ length: g.n }, (_, i) => {
    let best = -1;
    let bestD = Infinity;
    means.forEach((m, c) => {
      let d = 0;
      for (let p = 0; p < D; p++) d += (g.tiles[i * D + p]! - m[p]!) ** 2;
      if (d < bestD) [best, bestD] = [c, d];
    });
    return best;
  });
}

describe('mixture samples of one class of a CVAE', () => {
  const { cli, dir } = withDataDir('ll-mix-cvae-');
  let svc: LatentLabService;
  let form4 = 0;
  let form3 = 0;
  let datasetId = 0;
  beforeAll(async () => {
    expect((await cli('import', 'mnist')).code).toBe(0);
    const common = [
      '--dataset',
      'MNIST digits',
      '--model',
      'cvae',
      '--latent',
      '8',
      '--hidden',
      '128',
      '--limit',
      '3000',
      '--batch',
      '50',
      '--threads',
      '1',
    ];
    expect((await cli('train', ...common, '--form', '4', '--epochs', '3', '--name', 'cmma')).err).toBe('');
    expect((await cli('train', ...common, '--form', '3', '--epochs', '1', '--name', 'predict')).err).toBe('');
    svc = await openService({ dataDir: dir(), door: 'cli' });
    const runs = value(await invoke(svc, 'runs:list', {}));
    form4 = runs.find((r) => r.name === 'cmma')!.id;
    form3 = runs.find((r) => r.name === 'predict')!.id;
    datasetId = runs[0]!.datasetId;
    return () => svc.close();
  }, 600_000);

  it("form 4: a class's draws come from that class's codes (nearest to its mean training image), seeded, and say so", async () => {
    const classes = [0, 1, 7];
    const means = await Promise.all(
      classes.map(async (label) =>
        meanImage(value(await invoke(svc, 'explore:grid', { kind: 'dataset', datasetId, label, split: 'train', limit: 500 }))),
      ),
    );
    for (const [c, label] of classes.entries()) {
      const spec = { kind: 'samples' as const, runId: form4, n: 40, seed: 2, label, from: 'mixture' as const, components: 3 };
      const g = value(await invoke(svc, 'explore:grid', spec));
      expect(g.n).toBe(40);
      expect(g.note).toMatch(new RegExp(`3-component Gaussian mixture fitted to the encoded training means of class ${label}`));
      const own = nearestMean(g, means).filter((k) => k === c).length / g.n;
      console.log(`class ${label}: ${(own * 100).toFixed(0)}% of the mixture's draws nearest its own mean image`);
      // a mixture of all the codes would give each class about a third of the draws
      expect(own, `class ${label}: share of draws nearest its own mean`).toBeGreaterThan(0.7);
      const again = value(await invoke(svc, 'explore:grid', spec));
      expect(Buffer.from(again.tiles).equals(Buffer.from(g.tiles))).toBe(true);
    }
  });

  it('refuses a label the run lacks and a form-3 CVAE (it generates labels); takes the components from the whole class', async () => {
    const bad = await invoke(svc, 'explore:grid', { kind: 'samples', runId: form4, label: 10, from: 'mixture' });
    expect(!bad.ok && bad.error.message).toMatch(/^label: 10 is not a class/);
    const f3 = await invoke(svc, 'explore:grid', { kind: 'samples', runId: form3, label: 1, from: 'mixture' });
    expect(!f3.ok && f3.error.message).toMatch(/form-3 CVAE: it generates labels/);
    const many = await invoke(svc, 'explore:grid', { kind: 'samples', runId: form4, label: 1, from: 'mixture', components: 64, n: 4 });
    expect(many.ok).toBe(true);
  });

  it('CLI: samples --from mixture --label', async () => {
    const r = await cli('samples', '--run', 'cmma', '--from', 'mixture', '--label', '7', '--n', '8', '--out', `${dir()}/sevens.png`);
    expect(r.err).toBe('');
    expect(existsSync(`${dir()}/sevens.png`)).toBe(true);
  });
});
