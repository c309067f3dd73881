// Axis labels for an exported grid: the grid as composed, with a margin on the left (the y
// values or the row captions, and the y axis name) and one below (the x values and the x axis
// name). Text is set by sharp (Pango, the system's sans font); the grid's own pixels are
// copied unchanged, so the figure is the unlabelled one with words around it.
import sharp, { type OverlayOptions } from 'sharp';
import type { GridLayout, RawImage } from './png.js';

export interface AxisLabels {
  xValues?: number[];
  yValues?: number[];
  rowLabels?: string[];
  xName?: string;
  yName?: string;
}

/** Where the tiles sit in the composed grid (after scaling): composeGrid's layout. */
export type TileLayout = Pick<GridLayout, 'cols' | 'rows' | 'tileWidth' | 'tileHeight' | 'gutter'>;

interface Text {
  png: Buffer;
  width: number;
  height: number;
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function text(s: string, px: number, rotate = false): Promise<Text> {
  let img = sharp({ text: { text: `<span foreground="#222222">${escape(s)}</span>`, font: `sans ${px}`, dpi: 72, rgba: true } });
  if (rotate) img = sharp(await img.png().toBuffer()).rotate(270);
  const { data, info } = await img.png().toBuffer({ resolveWithObject: true });
  return { png: data, width: info.width, height: info.height };
}

const tick = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The grid inside margins of labels; x, y: where the grid's top-left corner went. */
export async function drawLabels(
  grid: RawImage,
  l: TileLayout,
  labels: AxisLabels,
): Promise<{ image: RawImage & { channels: 1 | 3 }; x: number; y: number }> {
  const px = Math.max(10, Math.min(16, Math.round(l.tileHeight * 0.35)));
  const pad = Math.round(px / 2);
  const rowTexts = await Promise.all((labels.yValues?.map(tick) ?? labels.rowLabels ?? []).slice(0, l.rows).map((s) => text(s, px)));
  const colTexts = await Promise.all((labels.xValues ?? []).slice(0, l.cols).map((v) => text(tick(v), px)));
  const yName = labels.yName ? await text(`${labels.yName} ↑`, px, true) : null;
  const xName = labels.xName ? await text(`${labels.xName} →`, px) : null;
  const rowsWidth = Math.max(0, ...rowTexts.map((t) => t.width));
  const left = (rowsWidth ? rowsWidth + pad : 0) + (yName ? yName.width + pad : 0) + pad;
  const colsHeight = Math.max(0, ...colTexts.map((t) => t.height));
  const below = (colsHeight ? colsHeight + pad : 0) + (xName ? xName.height + pad : 0) + pad;
  const width = left + grid.width + pad;
  const height = grid.height + below;
  const at = (k: number, size: number, tile: number): number => l.gutter + k * (tile + l.gutter) + Math.round((tile - size) / 2);

  const layers: OverlayOptions[] = [{ input: rgb(grid), raw: { width: grid.width, height: grid.height, channels: 3 }, left, top: 0 }];
  // a row's value that would overlap the one above it (tiles shorter than the text) is left out
  let lastBottom = -Infinity;
  rowTexts.forEach((t, r) => {
    const top = Math.max(0, at(r, t.height, l.tileHeight));
    if (top < lastBottom + 1) return;
    layers.push({ input: t.png, left: left - pad - t.width, top });
    lastBottom = top + t.height;
  });
  // a value that would touch the one before it is left out (dense grids keep every other one)
  let lastRight = -Infinity;
  colTexts.forEach((t, c) => {
    const x = left + at(c, t.width, l.tileWidth);
    if (x < lastRight + pad || x + t.width > width) return;
    layers.push({ input: t.png, left: x, top: grid.height + pad });
    lastRight = x + t.width;
  });
  if (yName) layers.push({ input: yName.png, left: pad, top: Math.max(0, Math.round((grid.height - yName.height) / 2)) });
  if (xName)
    layers.push({
      input: xName.png,
      left: left + Math.max(0, Math.round((grid.width - xName.width) / 2)),
      top: grid.height + pad + (colsHeight ? colsHeight + pad : 0),
    });

  let out = sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(layers);
  if (grid.channels === 1) out = out.toColourspace('b-w');
  const { data, info } = await out.raw().toBuffer({ resolveWithObject: true });
  return {
    image: { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, channels: info.channels as 1 | 3 },
    x: left,
    y: 0,
  };
}

/** The grid as RGB (a grey grid's one channel copied three times). */
function rgb(g: RawImage): Buffer {
  if (g.channels === 3) return Buffer.from(g.data.buffer, g.data.byteOffset, g.data.byteLength);
  const out = Buffer.alloc(g.width * g.height * 3);
  for (let i = 0; i < g.width * g.height; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = g.data[i * g.channels]!;
  return out;
}
