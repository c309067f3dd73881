// The traversal grid on a real MNIST model: one row per latent dimension ranked by KL, inactive
// ones folded, each row over the prior's range, +-2 sd of the encoded test means or their
// min..max (checked against the scatter's encoded means), and the sweep offered the same ranges.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPngText } from '../../src/main/core/export/png';
import { invoke } from '../../src/main/dispatch';
import type { LatentLabService } from '../../src/main/core/service';
import { value, withTinyRun } from '../export/tiny-run';

const { cli, dir, ...tiny } = withTinyRun('ll-trav-', 6);
let svc: LatentLabService;
let runId: number;
beforeAll(() => {
  svc = tiny.svc();
  runId = tiny.runId();
});

/** mean, sd, min and max of each dim over the first 1000 encoded test means */
async function stats(latent: number): Promise<{ mean: number; sd: number; min: number; max: number }[]> {
  const out = [];
  for (let d = 0; d < latent; d++) {
    const s = value(await invoke(svc, 'explore:scatter', { runId, dims: [d, d], limit: 1000 }));
    const mean = s.x.reduce((a, b) => a + b, 0) / s.x.length;
    const sd = Math.sqrt(s.x.reduce((a, b) => a + (b - mean) ** 2, 0) / s.x.length);
    out.push({ mean, sd, min: Math.min(...s.x), max: Math.max(...s.x) });
  }
  return out;
}

describe('traversal grid', () => {
  it('draws one row per active dimension, most informative first, over the prior range', async () => {
    const dims = value(await invoke(svc, 'explore:dims', { runId }));
    const g = value(await invoke(svc, 'explore:grid', { kind: 'traverse', runId, steps: 7 }));
    expect(g.cols).toBe(7);
    expect(g.n).toBe(dims.activeUnits * 7);
    expect(g.rowDims).toEqual(dims.dims.slice(0, dims.activeUnits).map((d) => d.index));
    expect(g.rowLabels![0]).toBe(`z${dims.dims[0]!.index} -3.0..3.0`);
    expect(g.rowRanges).toEqual(new Array(dims.activeUnits).fill([-3, 3]));
    // the columns carry their values: the same in every row over the prior's range
    expect(g.xValues).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(g.axisNames?.[0]).toBe('value of the row’s dimension');
    // with the inactive ones: every dimension, and the note says none is folded
    const all = value(await invoke(svc, 'explore:grid', { kind: 'traverse', runId, steps: 7, inactive: true }));
    expect(all.n).toBe(6 * 7);
    if (dims.activeUnits < 6) expect(g.note).toMatch(new RegExp(`${6 - dims.activeUnits} inactive dimensions? folded`));
  });

  it('takes each row over +-2 sd of the encoded test means, or their min..max', async () => {
    const s = await stats(6);
    const sd = value(await invoke(svc, 'explore:grid', { kind: 'traverse', runId, steps: 5, range: 'sd2', inactive: true }));
    const mm = value(await invoke(svc, 'explore:grid', { kind: 'traverse', runId, steps: 5, range: 'minmax', inactive: true }));
    sd.rowDims!.forEach((d, r) => {
      expect(sd.rowRanges![r]![0]).toBeCloseTo(s[d]!.mean - 2 * s[d]!.sd, 4);
      expect(sd.rowRanges![r]![1]).toBeCloseTo(s[d]!.mean + 2 * s[d]!.sd, 4);
      expect(mm.rowRanges![r]![0]).toBeCloseTo(s[d]!.min, 4);
      expect(mm.rowRanges![r]![1]).toBeCloseTo(s[d]!.max, 4);
    });
    // +-2 sd: the columns in standard deviations from each dimension's mean; min..max has none in common
    expect(sd.xValues).toEqual([-2, -1, 0, 1, 2]);
    expect(sd.axisNames?.[0]).toBe('sd from the mean of its codes');
    expect(mm.xValues).toBeUndefined();
    // different ranges draw different images
    expect(Buffer.from(sd.tiles).equals(Buffer.from(mm.tiles))).toBe(false);
  });

  it("offers the sweep the same ranges: each axis over its own dimension's data range", async () => {
    const s = await stats(6);
    const g = value(await invoke(svc, 'explore:grid', { kind: 'sweep', runId, dims: [2, 4], grid: 5, rangeFrom: 'minmax' }));
    expect(g.xValues![0]).toBeCloseTo(s[2]!.min, 4);
    expect(g.xValues![4]).toBeCloseTo(s[2]!.max, 4);
    expect(g.yValues![0]).toBeCloseTo(s[4]!.max, 4);
    expect(g.yValues![4]).toBeCloseTo(s[4]!.min, 4);
    // without rangeFrom the sweep is as before: the given range on both axes
    const plain = value(await invoke(svc, 'explore:grid', { kind: 'sweep', runId, dims: [2, 4], grid: 5, range: [-2, 2] }));
    expect([plain.xValues![0], plain.yValues![0]]).toEqual([-2, 2]);
  });

  it('draws from the command line: latent-lab traverse, and sweep --range-from', async () => {
    const out = join(dir(), 'traverse.png');
    const r = await cli(
      'traverse',
      '--run',
      'last',
      '--range',
      'minmax',
      '--steps',
      '6',
      '--inactive',
      '--out',
      out,
      '--scale',
      '1',
      '--gutter',
      '0',
    );
    expect(r.err).toBe('');
    const png = readFileSync(out);
    // 6 rows (every dim) of 6 tiles of 28 px
    expect(await sharp(png).metadata()).toMatchObject({ width: 6 * 28, height: 6 * 28 });
    expect(JSON.parse(readPngText(png)['latent-lab:spec']!)).toMatchObject({ kind: 'traverse', range: 'minmax', inactive: true });
    const sw = await cli('sweep', '--run', 'last', '--range-from', 'sd2', '--grid', '4', '--out', join(dir(), 'sw.png'));
    expect(sw.err).toBe('');
    expect(readPngText(readFileSync(join(dir(), 'sw.png')))['latent-lab:spec']).toMatch(/"rangeFrom":"sd2"/);
  });
});
