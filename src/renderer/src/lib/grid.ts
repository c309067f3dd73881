// Grids arrive as uint8 tiles [n, height, width, channels]; they are drawn at 1 canvas pixel
// per image pixel and scaled up by CSS at an integer factor with image-rendering: pixelated,
// so digits stay crisp and a cell maps to whole pixels.
import type { Grid } from '../../../shared/contract';

export interface GridLayout {
  cols: number;
  rows: number;
  width: number;
  height: number;
  gutter: number;
  cellW: number;
  cellH: number;
}

export function gridLayout(grid: Pick<Grid, 'n' | 'cols' | 'width' | 'height'>, gutter: number): GridLayout {
  const cols = Math.max(1, Math.min(grid.cols, grid.n));
  const rows = Math.max(1, Math.ceil(grid.n / cols));
  return {
    cols,
    rows,
    gutter,
    cellW: grid.width,
    cellH: grid.height,
    width: cols * grid.width + (cols - 1) * gutter,
    height: rows * grid.height + (rows - 1) * gutter,
  };
}

/** RGBA pixels of the whole grid; the gutter takes the given colour. */
export function gridPixels(
  grid: Grid,
  gutter: number,
  gutterRgb: [number, number, number],
): { data: Uint8ClampedArray; layout: GridLayout } {
  const L = gridLayout(grid, gutter);
  // transparent beyond the last tile; the gutter colour only between tiles
  const data = new Uint8ClampedArray(L.width * L.height * 4);
  const fill = (x0: number, y0: number, w: number, h: number): void => {
    for (let y = y0; y < y0 + h && y < L.height; y++) {
      for (let x = x0; x < x0 + w && x < L.width; x++) {
        const o = (y * L.width + x) * 4;
        data[o] = gutterRgb[0];
        data[o + 1] = gutterRgb[1];
        data[o + 2] = gutterRgb[2];
        data[o + 3] = 255;
      }
    }
  };
  if (gutter > 0) {
    for (let t = 0; t < grid.n; t++) {
      const ox = (t % L.cols) * (grid.width + gutter);
      const oy = Math.floor(t / L.cols) * (grid.height + gutter);
      fill(ox + grid.width, oy, gutter, grid.height + gutter); // right of the tile and the corner
      fill(ox, oy + grid.height, grid.width, gutter); // below the tile
    }
  }
  const { width: w, height: h, channels: c, tiles } = grid;
  const tileSize = w * h * c;
  for (let t = 0; t < grid.n; t++) {
    const ox = (t % L.cols) * (w + gutter);
    const oy = Math.floor(t / L.cols) * (h + gutter);
    const base = t * tileSize;
    for (let y = 0; y < h; y++) {
      let o = ((oy + y) * L.width + ox) * 4;
      let s = base + y * w * c;
      for (let x = 0; x < w; x++, o += 4, s += c) {
        data[o + 3] = 255;
        if (c === 1) {
          const v = tiles[s]!;
          data[o] = v;
          data[o + 1] = v;
          data[o + 2] = v;
        } else {
          data[o] = tiles[s]!;
          data[o + 1] = tiles[s + 1]!;
          data[o + 2] = tiles[s + 2]!;
        }
      }
    }
  }
  return { data, layout: L };
}

/** The largest integer scale at which the grid fits the box (at least 1); with `grow`, the
 *  exact scale that fills it (pixelated, so a pixel is at most one screen pixel wider than its
 *  neighbour: the sweep fills its space instead of sitting at 1x beside empty space). */
export function fitScale(layout: GridLayout, boxW: number, boxH: number, max = 16, grow = false): number {
  if (boxW <= 0 || boxH <= 0) return 1;
  const exact = Math.min(boxW / layout.width, boxH / layout.height);
  if (grow) return Math.max(0.1, Math.min(max, exact));
  // integer scales keep pixels crisp; a grid too big for the box (16 x 16 faces of 64 px)
  // shrinks to fit instead of spilling over the panels beside it
  if (exact < 1) return Math.max(0.1, exact);
  return Math.min(max, Math.floor(exact));
}

/** Where v sits among monotonic sample points, as a fractional index (for the marker);
 *  null when it lies outside them. */
export function fractionalIndex(values: number[], v: number): number | null {
  if (values.length < 2) return null;
  const asc = values[values.length - 1]! >= values[0]!;
  for (let i = 0; i < values.length - 1; i++) {
    const a = values[i]!;
    const b = values[i + 1]!;
    const inside = asc ? v >= a && v <= b : v <= a && v >= b;
    if (inside) return b === a ? i : i + (v - a) / (b - a);
  }
  return null;
}

/** Like fractionalIndex, but a point outside is pinned to the nearest edge and says so. */
export function clampedIndex(values: number[], v: number): { at: number; outside: boolean } | null {
  if (values.length < 2) return null;
  const f = fractionalIndex(values, v);
  if (f !== null) return { at: f, outside: false };
  const first = values[0]!;
  const last = values[values.length - 1]!;
  const beforeFirst = last >= first ? v < first : v > first;
  return { at: beforeFirst ? 0 : values.length - 1, outside: true };
}

/** The RGBA pixels of one tile of the grid (the hover zoom draws it large). */
export function tilePixels(grid: Grid, index: number): ImageData {
  const { width: w, height: h, channels: c, tiles } = grid;
  const out = new ImageData(w, h);
  const base = index * w * h * c;
  for (let p = 0; p < w * h; p++) {
    const s = base + p * c;
    out.data[p * 4] = tiles[s]!;
    out.data[p * 4 + 1] = tiles[s + (c === 1 ? 0 : 1)]!;
    out.data[p * 4 + 2] = tiles[s + (c === 1 ? 0 : 2)]!;
    out.data[p * 4 + 3] = 255;
  }
  return out;
}
