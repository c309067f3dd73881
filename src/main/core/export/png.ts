// PNG grids: tiles composed with crisp integer upscaling, encoded by sharp, settings stored in
// tEXt/iTXt chunks so an exported figure remembers how it was made.
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { AppFailure } from '../../../shared/result';

export { writeFileAtomic } from './atomic.js';

/** The largest picture a grid (or an animation frame) is drawn into: 100 megapixels. */
export const MAX_GRID_PIXELS = 100_000_000;

export interface RawImage {
  /** [height, width, channels] */
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export interface GridOptions {
  /** [n, height, width, channels] */
  tiles: Uint8Array;
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
  cols: number;
  /** integer nearest-neighbour upscaling of each tile (default 1) */
  scale?: number;
  /** pixels between tiles and around the border, after scaling (default 1) */
  gutter?: number;
  /** gutter gray level (default 255, white) */
  background?: number;
}

/**
 * Where the tiles of a composed grid sit, in the picture's pixels: tile k's top-left corner is
 * (gutter + col * (tileWidth + gutter), gutter + row * (tileHeight + gutter)). composeGrid lays
 * the tiles out by it and returns it, so whatever is drawn around the grid (axis labels) is
 * placed by the same numbers instead of recomputing them.
 */
export interface GridLayout {
  cols: number;
  rows: number;
  /** one tile's size after scaling */
  tileWidth: number;
  tileHeight: number;
  /** pixels between tiles and around the border, after scaling (as given: it is not scaled) */
  gutter: number;
  width: number;
  height: number;
}

/** Lays n tiles out in rows of `cols`; the last row may be partial (its empty cells stay background). */
export function composeGrid(o: GridOptions): RawImage & { channels: 1 | 3; layout: GridLayout } {
  const scale = o.scale ?? 1;
  const gutter = o.gutter ?? 1;
  const background = o.background ?? 255;
  const { n, height: th, width: tw, channels: c } = o;
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) throw new Error(`composeGrid: scale must be an integer in 1..64, got ${scale}`);
  if (!Number.isInteger(gutter) || gutter < 0 || gutter > 256)
    throw new Error(`composeGrid: gutter must be an integer in 0..256, got ${gutter}`);
  if (!Number.isInteger(o.cols) || o.cols < 1) throw new Error(`composeGrid: cols must be a positive integer, got ${o.cols}`);
  if (!Number.isInteger(n) || n < 1) throw new Error(`composeGrid: n must be a positive integer, got ${n}`);
  if (c !== 1 && c !== 3) throw new Error(`composeGrid: channels must be 1 or 3, got ${c}`);
  if (o.tiles.length !== n * th * tw * c) {
    throw new Error(`composeGrid: tiles has ${o.tiles.length} bytes, expected ${n}x${th}x${tw}x${c} = ${n * th * tw * c}`);
  }
  const cols = Math.min(o.cols, n);
  const rows = Math.ceil(n / cols);
  const sw = tw * scale;
  const sh = th * scale;
  const width = cols * sw + (cols + 1) * gutter;
  const height = rows * sh + (rows + 1) * gutter;
  if (width * height > MAX_GRID_PIXELS)
    throw new AppFailure(
      'bad-args',
      `the picture would be ${width}x${height} pixels (${((width * height) / 1e6).toFixed(1)} megapixels), over the limit of 100 megapixels; lower the scale or the number of images`,
    );
  const layout: GridLayout = { cols, rows, tileWidth: sw, tileHeight: sh, gutter, width, height };
  const data = new Uint8Array(width * height * c).fill(background);
  const rowBytes = width * c;
  for (let k = 0; k < n; k++) {
    const x0 = gutter + (k % cols) * (sw + gutter);
    const y0 = gutter + Math.floor(k / cols) * (sh + gutter);
    const tile = k * th * tw * c;
    for (let y = 0; y < th; y++) {
      // build one scaled row, then copy it `scale` times
      const first = (y0 + y * scale) * rowBytes + x0 * c;
      for (let x = 0; x < tw; x++) {
        for (let ch = 0; ch < c; ch++) {
          const v = o.tiles[tile + (y * tw + x) * c + ch]!;
          for (let s = 0; s < scale; s++) data[first + (x * scale + s) * c + ch] = v;
        }
      }
      for (let s = 1; s < scale; s++) data.copyWithin(first + s * rowBytes, first, first + sw * c);
    }
  }
  return { data, width, height, channels: c, layout };
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(...parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const p of parts) for (let i = 0; i < p.length; i++) c = CRC_TABLE[(c ^ p[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(head.subarray(4, 8), body), 0);
  return Buffer.concat([head, body, crc]);
}

// Latin-1 without NUL (the tEXt separator)
const isLatin1 = (s: string) => [...s].every((c) => c.charCodeAt(0) >= 1 && c.charCodeAt(0) <= 0xff);

/** tEXt when the value is Latin-1, else iTXt (UTF-8, uncompressed). */
function textChunk(key: string, value: string): Buffer {
  // PNG keywords: 1-79 Latin-1 printable characters, no leading/trailing/double spaces
  if (!/^[\u0020-\u007e\u00a1-\u00ff]{1,79}$/.test(key) || /^ | $| {2}/.test(key)) {
    throw new Error(`encodePng: text key ${JSON.stringify(key)} is not a valid PNG keyword (1-79 Latin-1 characters)`);
  }
  const k = Buffer.from(key, 'latin1');
  if (isLatin1(value)) return chunk('tEXt', Buffer.concat([k, Buffer.from([0]), Buffer.from(value, 'latin1')]));
  // keyword \0 compression-flag compression-method language \0 translated-keyword \0 text
  return chunk('iTXt', Buffer.concat([k, Buffer.from([0, 0, 0, 0, 0]), Buffer.from(value, 'utf8')]));
}

/** Encodes raw pixels as PNG and adds the text chunks right after IHDR (where readers such as
 * sharp/libvips look for them; text after IDAT is legal but often ignored). */
export async function encodePng(raw: RawImage, text: Record<string, string> = {}): Promise<Buffer> {
  if (raw.data.length !== raw.width * raw.height * raw.channels) {
    throw new Error(`encodePng: ${raw.data.length} bytes for ${raw.width}x${raw.height}x${raw.channels}`);
  }
  let img = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
  // without this, sharp writes one-channel input as a 3-channel PNG
  if (raw.channels === 1) img = img.toColourspace('b-w');
  const png = await img.png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
  const chunks = Object.entries(text).map(([k, v]) => textChunk(k, String(v)));
  // signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC)
  const afterIhdr = 8 + 25;
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('encodePng: sharp output does not start with IHDR');
  return Buffer.concat([png.subarray(0, afterIhdr), ...chunks, png.subarray(afterIhdr)]);
}

/** Reads tEXt, zTXt and iTXt chunks; throws on a bad signature, truncation or a CRC mismatch. */
export function readPngText(buf: Uint8Array): Record<string, string> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length < 8 || !sig.every((v, i) => b[i] === v)) throw new Error('readPngText: not a PNG (bad signature)');
  const out: Record<string, string> = {};
  let pos = 8;
  while (pos + 12 <= b.length) {
    const len = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (pos + 12 + len > b.length) throw new Error(`readPngText: chunk ${type} at ${pos} is truncated`);
    const body = b.subarray(pos + 8, pos + 8 + len);
    if (crc32(b.subarray(pos + 4, pos + 8), body) !== b.readUInt32BE(pos + 8 + len)) {
      throw new Error(`readPngText: CRC mismatch in chunk ${type} at ${pos}`);
    }
    const z = body.indexOf(0);
    if (type === 'tEXt' && z > 0) {
      out[body.toString('latin1', 0, z)] = body.toString('latin1', z + 1);
    } else if (type === 'zTXt' && z > 0) {
      out[body.toString('latin1', 0, z)] = inflateSync(body.subarray(z + 2)).toString('latin1');
    } else if (type === 'iTXt' && z > 0) {
      const compressed = body[z + 1] === 1;
      const langEnd = body.indexOf(0, z + 3);
      const transEnd = body.indexOf(0, langEnd + 1);
      if (langEnd < 0 || transEnd < 0) throw new Error(`readPngText: malformed iTXt chunk at ${pos}`);
      const data = body.subarray(transEnd + 1);
      out[body.toString('latin1', 0, z)] = (compressed ? inflateSync(data) : data).toString('utf8');
    }
    if (type === 'IEND') break;
    pos += 12 + len;
  }
  return out;
}
