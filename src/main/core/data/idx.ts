// MNIST-format IDX files (raw or gzipped): Fashion-MNIST, EMNIST, KMNIST import the same way.
import { gunzipSync } from 'node:zlib';
import type { Dataset } from '../types.js';
import { readIdxBytes } from './bounded-read.js';
import { stratifiedSplit } from './split.js';

export type IdxType = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dims: number[];
  type: IdxType;
  data: IdxData;
}

const TYPES: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: 'u8', bytes: 1 },
  0x09: { type: 'i8', bytes: 1 },
  0x0b: { type: 'i16', bytes: 2 },
  0x0c: { type: 'i32', bytes: 4 },
  0x0d: { type: 'f32', bytes: 4 },
  0x0e: { type: 'f64', bytes: 8 },
};

/** Parses an IDX buffer; `name` only makes the errors say which file is wrong. */
export function parseIdx(input: Buffer | Uint8Array, name = 'IDX data'): IdxArray {
  let buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new Error(`${name}: gzip stream is corrupt or truncated (${(e as Error).message})`);
    }
  }
  if (buf.length < 4) throw new Error(`${name}: truncated: ${buf.length} bytes, an IDX header needs at least 4`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    // never the bytes themselves: the path may be any file the caller can name
    throw new Error(`${name}: wrong magic (an IDX file starts with 00 00 <type> <dims>)`);
  }
  const t = TYPES[buf[2]!];
  if (!t) throw new Error(`${name}: unknown IDX data type 0x${buf[2]!.toString(16).padStart(2, '0')}`);
  const ndims = buf[3]!;
  if (ndims < 1) throw new Error(`${name}: IDX header declares 0 dimensions`);
  const start = 4 + 4 * ndims;
  if (buf.length < start) throw new Error(`${name}: truncated inside the header (${buf.length} bytes, ${ndims} dimensions need ${start})`);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = buf.readUInt32BE(4 + 4 * i);
    dims.push(d);
    count *= d;
  }
  const expected = start + count * t.bytes;
  if (buf.length < expected) {
    throw new Error(`${name}: truncated: ${buf.length} bytes, dimensions [${dims.join(', ')}] of ${t.type} need ${expected}`);
  }
  if (buf.length > expected) {
    throw new Error(`${name}: ${buf.length - expected} unexpected bytes after the data (dimensions [${dims.join(', ')}])`);
  }
  let data: IdxData;
  if (t.type === 'u8') {
    data = new Uint8Array(buf.buffer, buf.byteOffset + start, count);
  } else if (t.type === 'i8') {
    data = new Int8Array(buf.buffer, buf.byteOffset + start, count);
  } else {
    // big-endian on disk: decode element by element
    const view = new DataView(buf.buffer, buf.byteOffset + start, count * t.bytes);
    if (t.type === 'i16') {
      data = new Int16Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt16(2 * i);
    } else if (t.type === 'i32') {
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt32(4 * i);
    } else if (t.type === 'f32') {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(4 * i);
    } else {
      data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(8 * i);
    }
  }
  return { dims, type: t.type, data };
}

/** Reads a regular IDX file (raw or .gz), never more than its header declares; the signal stops it. */
export async function readIdxFile(path: string, signal?: AbortSignal): Promise<IdxArray> {
  return parseIdx(await readIdxBytes(path, { signal }), path);
}

/** Pixels as uint8: u8 as is; integers must lie in 0..255; floats in 0..1 are scaled by 255. */
function toPixels(arr: IdxArray, name: string): Uint8Array {
  if (arr.data instanceof Uint8Array) return arr.data;
  const src = arr.data;
  const out = new Uint8Array(src.length);
  if (arr.type === 'f32' || arr.type === 'f64') {
    let max = 0;
    for (let i = 0; i < src.length; i++) if (src[i]! > max) max = src[i]!;
    const k = max <= 1 ? 255 : 1;
    for (let i = 0; i < src.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(src[i]! * k)));
    return out;
  }
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (v < 0 || v > 255) throw new Error(`${name}: pixel value ${v} at element ${i} is outside 0..255`);
    out[i] = v;
  }
  return out;
}

export interface IdxImportOptions {
  /** share of images sent to test when there is no official split (default 0.1) */
  testShare?: number;
  seed?: number;
  /** an official split [n] to use instead of a seeded one */
  split?: Uint8Array;
  /** names for label values 0..k-1 (default: the values as strings) */
  labelNames?: string[];
  /** EMNIST stores images transposed (column-major); set to turn them upright */
  transpose?: boolean;
  /** stops the read (a cancelled import job) */
  signal?: AbortSignal;
}

/** Builds a dataset from already parsed IDX arrays (images [n,h,w] or [n,h,w,c], labels [n]). */
export function datasetFromIdx(
  images: IdxArray,
  labels: IdxArray | undefined,
  opts: IdxImportOptions = {},
  names: { images: string; labels?: string } = { images: 'images' },
): Dataset {
  const d = images.dims;
  if (d.length !== 3 && d.length !== 4) {
    throw new Error(`${names.images}: expected image dimensions [n, height, width] or [n, height, width, channels], got [${d.join(', ')}]`);
  }
  const [n, height, width] = d as [number, number, number];
  const channels = d.length === 4 ? d[3]! : 1;
  if (channels !== 1 && channels !== 3) throw new Error(`${names.images}: ${channels} channels per pixel; only 1 or 3 are supported`);
  if (height < 1 || width < 1) throw new Error(`${names.images}: image size ${width}x${height}`);
  let pixels = toPixels(images, names.images);
  if (opts.transpose) {
    const t = new Uint8Array(pixels.length);
    const img = height * width * channels;
    for (let i = 0; i < n; i++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          for (let c = 0; c < channels; c++) {
            t[i * img + (y * width + x) * channels + c] = pixels[i * img + (x * height + y) * channels + c]!;
          }
        }
      }
    }
    pixels = t;
  } else if (pixels.byteOffset !== 0 || pixels.buffer.byteLength !== pixels.byteLength) {
    // own the memory: a view into a file buffer would keep the whole buffer alive
    pixels = pixels.slice();
  }
  const lab = new Int32Array(n).fill(-1);
  let labelNames: string[] = [];
  if (labels) {
    const lname = names.labels ?? 'labels';
    if (labels.dims.length !== 1) throw new Error(`${lname}: expected label dimensions [n], got [${labels.dims.join(', ')}]`);
    if (labels.dims[0] !== n) {
      throw new Error(`${lname} has ${labels.dims[0]} labels but ${names.images} has ${n} images; the counts must match`);
    }
    if (labels.type === 'f32' || labels.type === 'f64') throw new Error(`${lname}: labels must be integers, got ${labels.type}`);
    let max = -1;
    for (let i = 0; i < n; i++) {
      const v = labels.data[i]!;
      if (v < 0) throw new Error(`${lname}: negative label ${v} at index ${i}`);
      lab[i] = v;
      if (v > max) max = v;
    }
    if (max >= 65536) throw new Error(`${lname}: label value ${max} is too large; is this really a label file?`);
    labelNames = opts.labelNames ?? Array.from({ length: max + 1 }, (_, i) => String(i));
    if (labelNames.length < max + 1) throw new Error(`${lname}: label ${max} has no name (${labelNames.length} names given)`);
  }
  let split: Uint8Array;
  if (opts.split) {
    if (opts.split.length !== n) throw new Error(`split has ${opts.split.length} flags for ${n} images`);
    split = opts.split;
  } else {
    split = stratifiedSplit(lab, opts.testShare ?? 0.1, opts.seed ?? 1);
  }
  return { n, height, width, channels: channels as 1 | 3, pixels, labels: lab, split, labelNames };
}

/** Imports an IDX image file and (optionally) its label file. */
export async function importIdx(imagesPath: string, labelsPath?: string, opts: IdxImportOptions = {}): Promise<Dataset> {
  const images = await readIdxFile(imagesPath, opts.signal);
  const labels = labelsPath ? await readIdxFile(labelsPath, opts.signal) : undefined;
  return datasetFromIdx(images, labels, opts, { images: imagesPath, labels: labelsPath });
}
