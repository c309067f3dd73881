// Our own netpbm reader (PBM/PGM/PPM: P1-P6, 8- and 16-bit), since sharp's prebuilt libvips is not
// guaranteed to read them. Returns 8-bit samples; 16-bit and odd maxvals are rescaled to 0..255.
import { SkipError, MAX_PIXELS } from './skip-error.js';

export interface NetpbmImage {
  /** 'P1'..'P6' */
  format: string;
  width: number;
  height: number;
  channels: 1 | 3;
  maxval: number;
  /** [height, width, channels] */
  data: Uint8Array;
}

export interface NetpbmHeader {
  format: string;
  width: number;
  height: number;
  channels: 1 | 3;
  maxval: number;
  /** where the raster starts (binary formats) or the first sample token (ASCII formats) */
  dataOffset: number;
}

const isSpace = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);

/** Skips whitespace and '#' comments (which run to the end of the line). */
function skipFill(buf: Uint8Array, pos: number): number {
  while (pos < buf.length) {
    const b = buf[pos]!;
    if (isSpace(b)) pos++;
    else if (b === 0x23) {
      while (pos < buf.length && buf[pos] !== 0x0a && buf[pos] !== 0x0d) pos++;
    } else break;
  }
  return pos;
}

function readInt(buf: Uint8Array, pos: number, what: string): [number, number] {
  pos = skipFill(buf, pos);
  if (pos >= buf.length) throw new SkipError('corrupt', `netpbm header truncated before the ${what}`);
  let v = 0;
  const start = pos;
  while (pos < buf.length && buf[pos]! >= 0x30 && buf[pos]! <= 0x39) {
    v = v * 10 + (buf[pos]! - 0x30);
    if (v > 0x7fffffff) throw new SkipError('corrupt', `netpbm header: ${what} is too large`);
    pos++;
  }
  if (pos === start) {
    throw new SkipError('corrupt', `netpbm header: expected the ${what}, found byte 0x${buf[pos]!.toString(16)}`);
  }
  return [v, pos];
}

export function readNetpbmHeader(buf: Uint8Array, maxPixels = MAX_PIXELS): NetpbmHeader {
  if (buf.length === 0) throw new SkipError('empty', 'zero bytes');
  if (buf.length < 2 || buf[0] !== 0x50 /* P */) throw new SkipError('not-an-image', 'no netpbm signature (P1-P6)');
  const kind = buf[1]! - 0x30;
  if (kind === 7) throw new SkipError('unsupported-format', 'PAM (P7) netpbm files are not supported');
  if (!(kind >= 1 && kind <= 6)) throw new SkipError('not-an-image', 'no netpbm signature (P1-P6)');
  if (buf.length > 2 && !isSpace(buf[2]!) && buf[2] !== 0x23) throw new SkipError('not-an-image', 'no netpbm signature (P1-P6)');
  const format = `P${kind}`;
  let pos = 2;
  const [width, afterWidth] = readInt(buf, pos, 'width');
  const [height, afterHeight] = readInt(buf, afterWidth, 'height');
  pos = afterHeight;
  let maxval = 1;
  if (kind !== 1 && kind !== 4) {
    [maxval, pos] = readInt(buf, pos, 'maximum value');
    if (maxval < 1 || maxval > 65535) throw new SkipError('corrupt', `netpbm header: maximum value ${maxval} is outside 1..65535`);
  }
  if (width === 0 || height === 0) throw new SkipError('corrupt', `netpbm image has size ${width}x${height}`);
  if (width * height > maxPixels) {
    throw new SkipError(
      'too-many-pixels',
      `${width}x${height} = ${((width * height) / 1e6).toFixed(1)} megapixels, over the ${maxPixels / 1e6} megapixel limit`,
    );
  }
  const binary = kind >= 4;
  if (binary) {
    // exactly one whitespace byte separates the header from the raster
    if (pos >= buf.length) throw new SkipError('corrupt', 'truncated: netpbm header ends without raster data');
    if (!isSpace(buf[pos]!)) throw new SkipError('corrupt', 'netpbm header: no whitespace before the raster');
    pos++;
  }
  const channels: 1 | 3 = kind === 3 || kind === 6 ? 3 : 1;
  return { format, width, height, channels, maxval, dataOffset: pos };
}

export function decodeNetpbm(buf: Uint8Array, maxPixels = MAX_PIXELS): NetpbmImage {
  const h = readNetpbmHeader(buf, maxPixels);
  const { width, height, channels, maxval, format } = h;
  const count = width * height * channels;
  const out = new Uint8Array(count);
  let pos = h.dataOffset;
  const truncated = (got: number) => new SkipError('corrupt', `truncated: ${format} ${width}x${height} has ${got} of ${count} samples`);

  if (format === 'P4') {
    // bits, rows padded to a byte, 1 = black
    const rowBytes = Math.ceil(width / 8);
    if (buf.length - pos < rowBytes * height) throw truncated(Math.floor(((buf.length - pos) / rowBytes) * width));
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = (buf[pos + y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1;
        out[y * width + x] = bit ? 0 : 255;
      }
    }
  } else if (format === 'P5' || format === 'P6') {
    const wide = maxval > 255;
    const bytes = wide ? 2 * count : count;
    if (buf.length - pos < bytes) throw truncated(Math.floor((buf.length - pos) / (wide ? 2 : 1)));
    if (!wide && maxval === 255) {
      out.set(buf.subarray(pos, pos + count));
    } else {
      const scale = 255 / maxval;
      for (let i = 0; i < count; i++) {
        const v = wide ? (buf[pos + 2 * i]! << 8) | buf[pos + 2 * i + 1]! : buf[pos + i]!;
        if (v > maxval) throw new SkipError('corrupt', `sample ${v} at ${i} exceeds the maximum value ${maxval}`);
        out[i] = Math.round(v * scale);
      }
    }
  } else if (format === 'P1') {
    // ASCII bits; digits need no separators
    for (let i = 0; i < count; i++) {
      pos = skipFill(buf, pos);
      if (pos >= buf.length) throw truncated(i);
      const b = buf[pos++];
      if (b !== 0x30 && b !== 0x31) throw new SkipError('corrupt', `P1 sample ${i} is not 0 or 1`);
      out[i] = b === 0x31 ? 0 : 255;
    }
  } else {
    // P2 / P3: ASCII decimal samples
    const scale = 255 / maxval;
    for (let i = 0; i < count; i++) {
      pos = skipFill(buf, pos);
      if (pos >= buf.length) throw truncated(i);
      let v: number;
      [v, pos] = readInt(buf, pos, `sample ${i}`);
      if (v > maxval) throw new SkipError('corrupt', `sample ${v} at ${i} exceeds the maximum value ${maxval}`);
      out[i] = maxval === 255 ? v : Math.round(v * scale);
    }
  }
  return { format, width, height, channels, maxval, data: out };
}
