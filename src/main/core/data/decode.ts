// One image file -> a square uint8 tile [side, side, c]. sharp for the common formats, our own
// parser for netpbm. Every failure becomes a SkipError with one of the import's skip reasons.
import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { Metadata, Sharp } from 'sharp';
import { SkipError, MAX_PIXELS } from './skip-error.js';
import { decodeNetpbm, readNetpbmHeader } from './netpbm.js';

export { SkipError, MAX_PIXELS } from './skip-error.js';
export type { SkipReason } from './skip-error.js';

export interface DecodeOptions {
  side: number;
  color: 'gray' | 'rgb';
  /** fit = letterbox with black padding; crop = centre crop */
  resize: 'fit' | 'crop';
}

export type SupportedFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'tiff' | 'avif' | 'netpbm';
export type Sniffed =
  { kind: 'image'; format: SupportedFormat } | { kind: 'unsupported'; format: string } | { kind: 'unknown'; text: boolean };

/** Extensions counted as images before sniffing (the import sniffs every file anyway). */
export const IMAGE_EXTENSIONS = new Set([
  'png',
  'jpg',
  'jpeg',
  'jpe',
  'jfif',
  'gif',
  'webp',
  'tif',
  'tiff',
  'avif',
  'pgm',
  'ppm',
  'pbm',
  'pnm',
]);

/** Files larger than this are not read at all (no supported image under 100 MP needs more). */
const MAX_FILE_BYTES = 1 << 30;

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, Math.min(to, b.length)));

/** Tells the format from the first bytes (32 are enough for all but SVG's text search). */
export function sniffFormat(head: Uint8Array): Sniffed {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', format: 'png' };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' };
  if (ascii(head, 0, 4) === 'GIF8') return { kind: 'image', format: 'gif' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { kind: 'image', format: 'webp' };
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return { kind: 'image', format: 'tiff' };
  if (startsWith(head, [0x49, 0x49, 0x2b, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])) return { kind: 'image', format: 'tiff' }; // BigTIFF
  if (ascii(head, 4, 8) === 'ftyp') {
    const size = Math.min(head.length, new DataView(head.buffer, head.byteOffset).getUint32(0) || 0);
    const brands: string[] = [];
    for (let at = 8; at + 4 <= Math.max(size, 12); at += 4) if (at !== 12) brands.push(ascii(head, at, at + 4));
    if (brands.some((b) => b === 'avif' || b === 'avis')) return { kind: 'image', format: 'avif' };
    if (brands.some((b) => /^(hei[cxms]|hev[cxms]|mif1|msf1)$/.test(b))) return { kind: 'unsupported', format: 'HEIC/HEIF' };
  }
  if (
    head[0] === 0x50 &&
    head[1]! >= 0x31 &&
    head[1]! <= 0x36 &&
    head.length > 2 &&
    (head[2] === 0x23 || head[2] === 0x20 || (head[2]! >= 0x09 && head[2]! <= 0x0d))
  ) {
    return { kind: 'image', format: 'netpbm' };
  }
  if (ascii(head, 0, 3) === 'P7\n') return { kind: 'unsupported', format: 'PAM (P7)' };
  if (ascii(head, 0, 3) === 'PF\n' || ascii(head, 0, 3) === 'Pf\n') return { kind: 'unsupported', format: 'PFM' };
  if (ascii(head, 0, 2) === 'BM' && head.length >= 14) return { kind: 'unsupported', format: 'BMP' };
  if (startsWith(head, [0x00, 0x00, 0x01, 0x00]) && head.length >= 6 && head[4]! + head[5]! > 0)
    return { kind: 'unsupported', format: 'ICO' };
  if (ascii(head, 0, 4) === '8BPS') return { kind: 'unsupported', format: 'PSD' };
  if (startsWith(head, [0xff, 0x0a]) || startsWith(head, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20]))
    return { kind: 'unsupported', format: 'JPEG XL' };
  if (startsWith(head, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || startsWith(head, [0xff, 0x4f, 0xff, 0x51]))
    return { kind: 'unsupported', format: 'JPEG 2000' };
  if (ascii(head, 0, 4) === 'qoif') return { kind: 'unsupported', format: 'QOI' };
  if (startsWith(head, [0x76, 0x2f, 0x31, 0x01])) return { kind: 'unsupported', format: 'OpenEXR' };
  const text = looksLikeText(head);
  if (text && /<svg[\s>]/i.test(Buffer.from(head).toString('utf8'))) return { kind: 'unsupported', format: 'SVG' };
  return { kind: 'unknown', text };
}

/**
 * Image size straight from the header bytes, without libvips, so a file that declares a giant
 * size is refused before any decoder sees it (libvips rejects some such headers as corrupt).
 * Returns null where the format is not handled here (TIFF, AVIF: sharp's metadata covers them).
 */
export function headerSize(buf: Uint8Array, format: SupportedFormat): { width: number; height: number } | null {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const has = (n: number) => buf.length >= n;
  if (format === 'png' && has(24) && ascii(buf, 12, 16) === 'IHDR') {
    return { width: v.getUint32(16), height: v.getUint32(20) };
  }
  if (format === 'gif' && has(10)) return { width: v.getUint16(6, true), height: v.getUint16(8, true) };
  if (format === 'webp' && has(30)) {
    const fourcc = ascii(buf, 12, 16);
    if (fourcc === 'VP8X') {
      return { width: 1 + (buf[24]! | (buf[25]! << 8) | (buf[26]! << 16)), height: 1 + (buf[27]! | (buf[28]! << 8) | (buf[29]! << 16)) };
    }
    if (fourcc === 'VP8L' && buf[20] === 0x2f) {
      const bits = v.getUint32(21, true);
      return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
    }
    if (fourcc === 'VP8 ') return { width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff };
  }
  if (format === 'jpeg') {
    // walk the marker segments up to the first start-of-frame
    let pos = 2;
    while (pos + 9 <= buf.length) {
      if (buf[pos] !== 0xff) return null;
      const marker = buf[pos + 1]!;
      if (marker === 0xff) {
        pos++;
        continue;
      }
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: v.getUint16(pos + 7), height: v.getUint16(pos + 5) };
      }
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        pos += 2;
        continue;
      }
      pos += 2 + v.getUint16(pos + 2);
    }
  }
  return null;
}

function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let odd = 0;
  for (const b of head) {
    if (b === 0) return false;
    if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) odd++;
  }
  return odd / head.length < 0.05;
}

function notAnImage(name: string, sniffed: { text: boolean }): SkipError {
  const ext = /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase();
  const claim = ext && IMAGE_EXTENSIONS.has(ext) ? `named .${ext} but ` : '';
  return new SkipError('not-an-image', `${claim}${sniffed.text ? 'contains text' : 'has no known image signature'}`);
}

async function readWhole(path: string): Promise<Buffer> {
  let fh;
  try {
    // O_NONBLOCK: a FIFO swapped in after the scan must not block the open
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await fh.stat();
    if (!st.isFile()) throw new SkipError('unreadable', 'not a regular file');
    if (st.size === 0) throw new SkipError('empty', 'zero bytes');
    if (st.size > MAX_FILE_BYTES) throw new SkipError('too-many-pixels', `file is ${(st.size / 2 ** 30).toFixed(1)} GiB`);
    return await readFile(fh);
  } catch (e) {
    if (e instanceof SkipError) throw e;
    throw new SkipError('unreadable', (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  } finally {
    await fh?.close();
  }
}

/** sharp's messages start with the library name and carry the useful part after it. */
// libvips puts the cause on the lines after "Input buffer has corrupt header:"; keep them
const sharpMessage = (e: unknown): string => {
  const text = String((e as Error)?.message ?? e)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ')
    .slice(0, 300);
  return text.endsWith(':') ? `${text} the decoder could not read the file` : text;
};

function tooMany(width: number, height: number): SkipError {
  return new SkipError(
    'too-many-pixels',
    `${width}x${height} = ${((width * height) / 1e6).toFixed(1)} megapixels, over the ${MAX_PIXELS / 1e6} megapixel limit`,
  );
}

/** Header check (size limit first), then sharp's metadata. */
async function readMeta(buf: Uint8Array, format: SupportedFormat): Promise<Metadata> {
  const size = headerSize(buf, format);
  if (size && size.width * size.height > MAX_PIXELS) throw tooMany(size.width, size.height);
  let meta: Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new SkipError('corrupt', sharpMessage(e));
  }
  if (!meta.width || !meta.height) throw new SkipError('corrupt', 'no image size in the header');
  const height = meta.pageHeight ?? meta.height;
  if (meta.width * height > MAX_PIXELS) throw tooMany(meta.width, height);
  return meta;
}

/** Runs the common tail: orientation, alpha, resize, colour space, raw bytes. */
async function finish(img: Sharp, opts: DecodeOptions): Promise<Uint8Array> {
  const { side } = opts;
  const c = opts.color === 'gray' ? 1 : 3;
  // alpha is flattened onto white, how most viewers show a transparent background on a page
  // (sharp skips the step for images without alpha)
  img = img.flatten({ background: { r: 255, g: 255, b: 255 } });
  img = img.resize(side, side, {
    fit: opts.resize === 'fit' ? 'contain' : 'cover',
    position: 'centre',
    background: { r: 0, g: 0, b: 0, alpha: 1 },
  });
  img = opts.color === 'gray' ? img.grayscale() : img.toColourspace('srgb');
  const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.width !== side || info.height !== side) throw new SkipError('corrupt', `decoder returned ${info.width}x${info.height}`);
  const out = new Uint8Array(side * side * c);
  if (info.channels === c) {
    out.set(data.subarray(0, out.length));
  } else {
    // e.g. a leftover alpha channel or a 1-channel result when RGB was asked: take what fits
    const k = info.channels;
    for (let p = 0; p < side * side; p++) {
      for (let j = 0; j < c; j++) out[p * c + j] = data[p * k + Math.min(j, k - 1)]!;
    }
  }
  return out;
}

/** Decodes an image already in memory; `name` feeds the messages (and extension hints). */
export async function decodeImageBuffer(buf: Uint8Array, opts: DecodeOptions, name = 'image'): Promise<Uint8Array> {
  if (!(Number.isInteger(opts.side) && opts.side >= 1 && opts.side <= 4096))
    throw new Error(`decodeImage: side must be an integer in 1..4096, got ${opts.side}`);
  if (buf.length === 0) throw new SkipError('empty', 'zero bytes');
  const sniffed = sniffFormat(buf.subarray(0, 512));
  if (sniffed.kind === 'unknown') throw notAnImage(name, sniffed);
  if (sniffed.kind === 'unsupported') throw new SkipError('unsupported-format', `${sniffed.format} images are not supported`);

  if (sniffed.format === 'netpbm') {
    const pbm = decodeNetpbm(buf);
    const c = opts.color === 'gray' ? 1 : 3;
    if (pbm.width === opts.side && pbm.height === opts.side && pbm.channels === c) return pbm.data;
    const raw = sharp(pbm.data, { raw: { width: pbm.width, height: pbm.height, channels: pbm.channels } });
    return finish(raw, opts);
  }

  const size = headerSize(buf, sniffed.format);
  if (size) {
    // size known from the header: skip a metadata pass (a third of the time for small images)
    if (size.width * size.height > MAX_PIXELS) throw tooMany(size.width, size.height);
    if (size.width === 0 || size.height === 0) throw new SkipError('corrupt', `header declares size ${size.width}x${size.height}`);
  } else {
    await readMeta(buf, sniffed.format);
  }
  try {
    // limitInputPixels is a second guard in case the header lied
    const img = sharp(buf, { limitInputPixels: MAX_PIXELS, failOn: 'warning' }).autoOrient();
    return await finish(img, opts);
  } catch (e) {
    if (e instanceof SkipError) throw e;
    const msg = sharpMessage(e);
    if (/pixel limit/i.test(msg)) throw new SkipError('too-many-pixels', msg);
    throw new SkipError('corrupt', msg);
  }
}

/** Reads and decodes one file; throws SkipError (never anything else for a bad file). */
export async function decodeImage(path: string, opts: DecodeOptions): Promise<Uint8Array> {
  return decodeImageBuffer(await readWhole(path), opts, path);
}

export interface ImageInfo {
  format: SupportedFormat;
  width: number;
  height: number;
  /** true when the pixels themselves are gray (R = G = B within a small tolerance) */
  gray: boolean;
}

/** Cheap look at one file for the import dialog: format, size, and whether it is gray. */
export async function probeImage(path: string): Promise<ImageInfo> {
  const buf = await readWhole(path);
  const sniffed = sniffFormat(buf.subarray(0, 512));
  if (sniffed.kind === 'unknown') throw notAnImage(path, sniffed);
  if (sniffed.kind === 'unsupported') throw new SkipError('unsupported-format', `${sniffed.format} images are not supported`);
  if (sniffed.format === 'netpbm') {
    const h = readNetpbmHeader(buf);
    let gray = h.channels === 1;
    if (!gray) gray = isGrayRgb(decodeNetpbm(buf).data);
    return { format: 'netpbm', width: h.width, height: h.height, gray };
  }
  const meta = await readMeta(buf, sniffed.format);
  const height = meta.pageHeight ?? (meta.height as number);
  let gray = meta.channels !== undefined && meta.channels <= 2 && meta.space !== 'cmyk';
  if (!gray) {
    // colour containers often hold gray pictures (scans, photos of digits): look at the pixels
    const small = await decodeImageBuffer(buf, { side: 32, color: 'rgb', resize: 'fit' }, path);
    gray = isGrayRgb(small);
  }
  return { format: sniffed.format, width: meta.width, height, gray };
}

/** R, G and B within a few levels everywhere (JPEG chroma noise stays under it). */
function isGrayRgb(rgb: Uint8Array, tolerance = 6): boolean {
  for (let i = 0; i + 2 < rgb.length; i += 3) {
    const r = rgb[i]!,
      g = rgb[i + 1]!,
      b = rgb[i + 2]!;
    if (Math.abs(r - g) > tolerance || Math.abs(r - b) > tolerance || Math.abs(g - b) > tolerance) return false;
  }
  return true;
}
