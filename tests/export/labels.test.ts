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

/** Stretches of positions whose ink count is above zero, joined across gaps of at most `gap`. */
function inkRuns(ink: number[], gap: number): { start: number; end: number; centre: number }[] {
  const runs: { start: number; end: number; centre: number }[] = [];
  ink.forEach((v, i) => {
    if (v === 0) return;
    const last = runs.at(-1);
    if (last && i - last.end <= gap + 1) last.end = i;
    else runs.push({ start: i, end: i, centre: 0 });
  });
  for (const r of runs) r.centre = (r.start + r.end) / 2;
  return runs;
}

/**
 * Where the axis values were drawn, read from the picture's pixels: the centres of the x values'
 * ink (the first band of text under the grid) and of the y values' ink (the band of text nearest
 * the grid on its left).
 */
function drawnValues(
  p: { data: Buffer; width: number; height: number; channels: number },
  at: { x: number; y: number },
  gridHeight: number,
) {
  const dark = (x: number, y: number): boolean => p.data[(y * p.width + x) * p.channels]! < 128;
  const columnInk = (x0: number, x1: number, y0: number, y1: number) =>
    Array.from({ length: x1 - x0 }, (_, i) => {
      let n = 0;
      for (let y = y0; y < y1; y++) if (dark(x0 + i, y)) n++;
      return n;
    });
  const rowInk = (x0: number, x1: number, y0: number, y1: number) =>
    Array.from({ length: y1 - y0 }, (_, i) => {
      let n = 0;
      for (let x = x0; x < x1; x++) if (dark(x, y0 + i)) n++;
      return n;
    });
  const below = at.y + gridHeight;
  const band = inkRuns(rowInk(at.x, p.width, below, p.height), 1)[0]!;
  const xs = inkRuns(columnInk(0, p.width, below + band.start, below + band.end + 1), 4).map((r) => r.centre);
  const leftBands = inkRuns(columnInk(0, at.x, at.y, at.y + gridHeight), 2);
  const nearest = leftBands.at(-1)!;
  const ys = inkRuns(rowInk(nearest.start, nearest.end + 1, at.y, at.y + gridHeight), 2).map((r) => at.y + r.centre);
  return { xs, ys };
}

describe('axis values sit at their cells', () => {
  // every grid size, every scale and every gutter at least once (the picture kept small enough
  // to be quick), both spacings, and the figure a person exported from the UI: 16 x 16 at 4x
  const cases: { grid: number; scale: number; gutter: number; spacing: 'linear' | 'normal' }[] = [
    { grid: 16, scale: 4, gutter: 2, spacing: 'linear' },
  ];
  for (let grid = 2; grid <= 32; grid++) {
    const most = Math.max(1, Math.min(16, Math.floor(1800 / (28 * grid))));
    cases.push({ grid, scale: 1 + ((grid * 7) % most), gutter: grid % 17, spacing: grid % 2 ? 'normal' : 'linear' });
  }
  for (let scale = 1; scale <= 16; scale++) cases.push({ grid: 2 + (scale % 4), scale, gutter: (scale * 5) % 17, spacing: 'linear' });

  it('at the centre of each column and row, from the path the UI exports by', async () => {
    const worst = { x: 0, y: 0 };
    for (const c of cases) {
      const spec: GridSpec = { kind: 'sweep', runId, dims: [0, 1], grid: c.grid, range: [-3, 3], spacing: c.spacing };
      // as the Export dialog sends it: the on-screen spec, its scale and gutter, labels on
      const r = value(await invoke(svc, 'export:grid', { spec, scale: c.scale, gutter: c.gutter, labels: true }));
      const p = await pixels(r.png);
      const at = JSON.parse(readPngText(r.png)['latent-lab:labels']!) as { x: number; y: number };
      const tile = 28 * c.scale;
      const centre = (k: number) => c.gutter + k * (tile + c.gutter) + tile / 2;
      const gridHeight = c.grid * tile + (c.grid + 1) * c.gutter;
      const { xs, ys } = drawnValues(p, at, gridHeight);
      const where = `grid ${c.grid}, scale ${c.scale}, gutter ${c.gutter}, ${c.spacing}`;
      // each value nearest its own cell, in order, the first column's and every row's drawn
      const cols = xs.map((x) => Math.round((x - at.x - c.gutter - tile / 2) / (tile + c.gutter)) || 0);
      const rows = ys.map((y) => Math.round((y - at.y - c.gutter - tile / 2) / (tile + c.gutter)) || 0);
      expect(cols[0], where).toBe(0);
      expect(new Set(cols).size, where).toBe(cols.length);
      expect(cols, where).toEqual([...cols].sort((a, b) => a - b));
      expect(rows, where).toEqual(Array.from({ length: c.grid }, (_, k) => k));
      xs.forEach((x, i) => (worst.x = Math.max(worst.x, Math.abs(x - at.x - centre(cols[i]!)))));
      ys.forEach((y, i) => (worst.y = Math.max(worst.y, Math.abs(y - at.y - centre(rows[i]!)))));
      expect(worst.x, where).toBeLessThanOrEqual(2);
      expect(worst.y, where).toBeLessThanOrEqual(2.5);
    }
  }, 300_000);
});
