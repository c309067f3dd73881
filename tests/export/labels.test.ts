// Axis labels drawn into exported PNG grids: margins with the axis values, the names and the row
// captions around a grid that stays pixel for pixel the unlabelled one.
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPngText } from '../../src/main/core/export/png';
import type { LatentLabService } from '../../src/main/core/service';
import type { GridSpec } from '../../src/shared/contract';
import { invoke } from '../../src/main/dispatch';
import { value, withTinyRun } from './tiny-run';

const { cli, dir, ...tiny } = withTinyRun('ll-labels-', 4);
let svc: LatentLabService;
let runId: number;
beforeAll(() => {
  svc = tiny.svc();
  runId = tiny.runId();
});

async function pixels(png: Uint8Array): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** the region [x, x + w) x [y, y + h) of an image, as bytes */
function crop(p: { data: Buffer; width: number; channels: number }, x: number, y: number, w: number, h: number): Buffer {
  const rows: Buffer[] = [];
  for (let r = y; r < y + h; r++) rows.push(p.data.subarray((r * p.width + x) * p.channels, (r * p.width + x + w) * p.channels));
  return Buffer.concat(rows);
}

describe('axis labels in exported grids', () => {
  it('draws the values, names and captions around the same grid', async () => {
    const spec: GridSpec = { kind: 'sweep', runId, dims: [0, 1], grid: 5, range: [-2, 2] };
    const plain = value(await invoke(svc, 'export:grid', { spec, scale: 2, gutter: 1 }));
    const labelled = value(await invoke(svc, 'export:grid', { spec, scale: 2, gutter: 1, labels: true }));
    const [a, b] = [await pixels(plain.png), await pixels(labelled.png)];
    expect(b.width).toBeGreaterThan(a.width);
    expect(b.height).toBeGreaterThan(a.height);
    const at = JSON.parse(readPngText(labelled.png)['latent-lab:labels']!) as { x: number; y: number };
    expect(crop(b, at.x, at.y, a.width, a.height).equals(a.data)).toBe(true);
    // the margins hold dark text: left of the grid (y values, z1) and under it (x values, z0)
    const dark = (buf: Buffer): number => buf.filter((v) => v < 100).length;
    expect(dark(crop(b, 0, at.y, at.x, a.height))).toBeGreaterThan(20);
    expect(dark(crop(b, at.x, at.y + a.height, a.width, b.height - at.y - a.height))).toBeGreaterThan(20);
    // without labels the PNG is as before
    expect(readPngText(plain.png)['latent-lab:labels']).toBeUndefined();
  });

  it('labels the rows of a traversal and writes labelled grids from the command line', async () => {
    const g = value(
      await invoke(svc, 'export:grid', { spec: { kind: 'traverse', runId, steps: 4, inactive: true }, labels: true, scale: 1 }),
    );
    const p = await pixels(g.png);
    const at = JSON.parse(readPngText(g.png)['latent-lab:labels']!) as { x: number; y: number };
    expect(at.x).toBeGreaterThan(20); // room for "z3 -3.0..3.0"
    expect(p.height).toBeGreaterThanOrEqual(4 * 28 + 5);
    const r = await cli('sweep', '--run', 'last', '--grid', '4', '--labels', '--out', `${dir()}/labelled.png`);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/wrote .*labelled\.png/);
  });
});
