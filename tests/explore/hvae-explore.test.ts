// Exploring any level of a T-level Markov HVAE (T = 3 on real MNIST digits): the contract's
// level takes 1..T, encoding climbs the chain of posterior means, a sweep at level t decodes
// down the chain of conditional means, the dims view ranks each level and counts its active
// units, and the CLI's dims --level t says which level it ranked.
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDatasetFile } from '../../src/main/core/data/dataset-file';
import { openDb } from '../../src/main/core/store/db';
import * as q from '../../src/main/core/store/queries';
import { decodeLatents, encodeImages, levelReport, perDimensionKl, sweepGrid } from '../../src/main/core/explore/index.js';
import { invoke } from '../../src/main/dispatch';
import { DB_FILE, openService, type LatentLabService } from '../../src/main/core/service';
import { loadRunModel } from '../../src/main/core/train';
import { withDataDir } from '../cli/harness';
import { value } from '../export/tiny-run';

const folder = withDataDir('ll-hvae3-');
let svc: LatentLabService;
let runId: number;
beforeAll(async () => {
  expect((await folder.cli('import', 'mnist')).code).toBe(0);
  const t = await folder.cli(
    ...['train', '--dataset', 'MNIST digits', '--model', 'hvae', '--levels', '3', '--latent', '8,6,4'],
    ...['--hidden', '64', '--epochs', '1', '--limit', '1000', '--batch', '50'],
  );
  expect(t.code).toBe(0);
  svc = await openService({ dataDir: folder.dir(), door: 'cli' });
  runId = value(await invoke(svc, 'runs:list', {}))[0]!.id;
}, 300_000);
afterAll(async () => {
  await svc?.close();
});

describe('a T = 3 hvae explored at every level', () => {
  it('ranks each level by its own KL and counts active units per level', async () => {
    const dims = [1, 2, 3].map(async (level) => value(await invoke(svc, 'explore:dims', { runId, level })));
    const [d1, d2, d3] = await Promise.all(dims);
    expect([d1!.latent, d2!.latent, d3!.latent]).toEqual([8, 6, 4]);
    for (const d of [d1!, d2!, d3!]) {
      expect(d.levels!.map((l) => [l.level, l.latent])).toEqual([
        [1, 8],
        [2, 6],
        [3, 4],
      ]);
      // most KL first
      for (let i = 1; i < d.dims.length; i++) expect(d.dims[i - 1]!.kl).toBeGreaterThanOrEqual(d.dims[i]!.kl);
    }
    // a level's active units are the same count in its ranking and in the per-level summary
    expect(d2!.activeUnits).toBe(d1!.levels![1]!.activeUnits);
    expect(d3!.activeUnits).toBe(d1!.levels![2]!.activeUnits);
    expect(d1!.levels!.reduce((s, l) => s + l.kl, 0)).toBeGreaterThan(0);
  });

  it('refuses a level the run does not have, naming the field', async () => {
    const four = await invoke(svc, 'explore:dims', { runId, level: 4 });
    expect(!four.ok && four.error.code).toBe('bad-args');
    expect(!four.ok && four.error.message).toMatch(/level: run \d+ has 3 latent levels \(1\.\.3\), got 4/);
    const five = await invoke(svc, 'explore:grid', { kind: 'sweep', runId, dims: [0, 1], level: 5 });
    expect(!five.ok && five.error.message).toMatch(/level/);
  });

  it('encodes and sweeps level 2 and the top level 3 through the service', async () => {
    const e3 = value(await invoke(svc, 'explore:encode', { runId, index: 0, level: 3 }));
    expect(e3.mu).toHaveLength(4);
    for (const level of [2, 3]) {
      const g = value(await invoke(svc, 'explore:grid', { kind: 'sweep', runId, dims: [0, 1], grid: 4, level }));
      expect(g.n).toBe(16);
      // the sweep moves the decoded digits: the first and last tiles differ
      const size = g.tiles.length / g.n;
      expect(Buffer.from(g.tiles.subarray(0, size)).equals(Buffer.from(g.tiles.subarray(15 * size)))).toBe(false);
    }
  });

  it('decodes level t through the conditional means below and encodes up the chain of posterior means', async () => {
    const db = openDb(join(folder.dir(), DB_FILE));
    const m = await loadRunModel(join(folder.dir(), q.latestCheckpoint(db, runId)!.path));
    const data = await readDatasetFile(join(folder.dir(), q.getDataset(db, q.getRun(db, runId)!.datasetId)!.file));
    db.close();
    expect(m.latentSizes).toEqual([8, 6, 4]);
    const pixels = data.pixels.slice(0, 20 * 784);
    const q1 = encodeImages(m, pixels);
    const q3 = encodeImages(m, pixels, undefined, 3);
    const chain = tf.tidy(() => {
      const z1 = tf.tensor2d(q1.mu, [20, 8]);
      const z2 = m.encodeLevel!(2, z1).mu;
      const z3 = m.encodeLevel!(3, z2).mu;
      // down again: z2 = E p(z2|z3), z1 = E p(z1|z2)
      const down2 = m.priorLevel!(2, z3).mu;
      return { z3: z3.dataSync().slice(), down2: down2.dataSync().slice() };
    });
    for (let i = 0; i < chain.z3.length; i++) expect(q3.mu[i]).toBeCloseTo(chain.z3[i]!, 5);
    // level 3 decoded = level 2 decoded at the conditional mean of z2
    expect(
      Buffer.from(decodeLatents(m, q3.mu, undefined, 3)).equals(
        Buffer.from(decodeLatents(m, Float32Array.from(chain.down2), undefined, 2)),
      ),
    ).toBe(true);
    // the sweep's pinned values are z3's; its tile at the base is that decode
    const s = sweepGrid(m, { dims: [0, 1], range: [-1, 1], grid: 3, spacing: 'linear', base: q3.mu.slice(0, 4), level: 3 });
    expect(s.tiles).toHaveLength(9 * 784);
    expect(() => sweepGrid(m, { dims: [0, 1], range: [-1, 1], grid: 3, spacing: 'linear', base: new Float32Array(4), level: 4 })).toThrow(
      /level must be 1\.\.3/,
    );
    // a middle level is ranked against p(z2|z3), as levelReport measures its units
    const k2 = perDimensionKl(m, pixels, undefined, 2);
    const rep = levelReport(m, pixels);
    for (let d = 0; d < 6; d++) expect(k2.kl[d]).toBeCloseTo(rep[1]!.unitKl[d]!, 3);
    m.dispose();
  });

  it('CLI: dims --level t names the level and lists active units per level', async () => {
    const top = await folder.cli('dims', '--run', 'last', '--level', '3');
    expect(top.err).toBe('');
    expect(top.out).toMatch(/top level z3: \d+ of 4 dimensions active/);
    expect(top.out).toMatch(/active units per level: z1 \d+\/8, z2 \d+\/6, z3 \d+\/4/);
    const mid = await folder.cli('dims', '--run', 'last', '--level', '2');
    expect(mid.out).toMatch(/, level z2: \d+ of 6 dimensions active/);
  });
});
