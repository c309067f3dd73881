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

/** RGBA pixels of the whole grid; the gutter takes the given colour. Written into `into` when
 *  it has the grid's size (the last draw's pixels: a slider move redraws a grid of the same
 *  size, and a new 4 MB array at each, zeroed and then collected, is time on the move's path). */
export function gridPixels(
  grid: Grid,
  gutter: number,
  gutterRgb: [number, number, number],
  into?: Uint8ClampedArray,
): { data: Uint8ClampedArray; layout: GridLayout } {
  const L = gridLayout(grid, gutter);
  const reused = into?.length === L.width * L.height * 4;
  // transparent beyond the last tile; the gutter colour only between tiles. One 32-bit store
  // per pixel (RGBA bytes in memory order, so A<<24 | B<<16 | G<<8 | R on a little-endian
  // machine, which every browser runs on): a 16x16 grid of 64 px faces is 1.08M pixels, drawn
  // at every slider move
  const data = reused ? into! : new Uint8ClampedArray(L.width * L.height * 4);
  const px = new Uint32Array(data.buffer, data.byteOffset, data.length / 4);
  const rgba = (r: number, g: number, b: number): number => ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
  const gutterPx = rgba(gutterRgb[0], gutterRgb[1], gutterRgb[2]);
  // the gutter colour under everything, then the cells after the last tile cleared: one fill
  // each instead of two per tile row (32,000 calls for a 16x16 grid of 64 px tiles)
  if (gutter > 0 && grid.n > 0) {
    px.fill(gutterPx);
    const last = grid.n - 1;
    const x0 = ((last % L.cols) + 1) * (grid.width + gutter);
    const y0 = Math.floor(last / L.cols) * (grid.height + gutter);
    if (x0 < L.width) for (let y = y0; y < L.height; y++) px.fill(0, y * L.width + x0, (y + 1) * L.width);
  } else if (reused) px.fill(0); // no gutter: the tiles cover all but the cells after the last
  const { width: w, height: h, channels: c, tiles } = grid;
  const tileSize = w * h * c;
  const grey = c === 1 ? GREY : null;
  for (let t = 0; t < grid.n; t++) {
    const ox = (t % L.cols) * (w + gutter);
    const oy = Math.floor(t / L.cols) * (h + gutter);
    const base = t * tileSize;
    for (let y = 0; y < h; y++) {
      let o = (oy + y) * L.width + ox;
      let s = base + y * w * c;
      if (grey) for (let x = 0; x < w; x++) px[o++] = grey[tiles[s++]!]!;
      else for (let x = 0; x < w; x++, s += c) px[o++] = rgba(tiles[s]!, tiles[s + 1]!, tiles[s + 2]!);
    }
  }
  return { data, layout: L };
}

/** Each grey level as an opaque RGBA pixel (see gridPixels). */
const GREY = Uint32Array.from({ length: 256 }, (_, v) => ((255 << 24) | (v << 16) | (v << 8) | v) >>> 0);

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

/** Smallest side an area-averaged tile is sent at (below it a face is a blur, whatever its box). */
const MIN_SHRUNK_SIDE = 8;

/**
 * By how much a grid's tiles can be area-averaged and still fill the screen pixels they are
 * shown at: a 64 px tile shown at 29 CSS px on a 1x screen needs no more than 32 px. 1 = full
 * size (shown at over half its pixels, or nothing measured yet).
 */
export function tileShrink(fullSide: number, shownCssPx: number, devicePixelRatio: number): number {
  const shownPx = shownCssPx * (devicePixelRatio > 0 ? devicePixelRatio : 1);
  if (!(fullSide > 0) || !(shownPx > 0)) return 1;
  const k = Math.min(8, Math.floor(fullSide / shownPx), Math.floor(fullSide / MIN_SHRUNK_SIDE));
  return k >= 2 ? k : 1;
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
