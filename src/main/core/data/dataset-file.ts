// One binary file per dataset: header, then pixels [n,h,w,c] uint8, labels [n] int32 LE, split [n] uint8.
import { endianness } from 'node:os';
import type { Dataset } from '../types.js';
import { writeFileAtomic } from '../export/atomic.js';
import { openOwnFile } from './own-file.js';

const MAGIC = 'LLDS';
const VERSION = 1;
/** magic(4) + version, headerBytes, n, h, w, c, labelCount, jsonLength (u32 LE each) */
const FIXED = 36;

export interface DatasetHeader {
  version: number;
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
  labelNames: string[];
  /** byte offset of the pixels */
  headerBytes: number;
}

// Typed arrays are written as raw bytes; every platform Electron ships on is little-endian.
if (endianness() !== 'LE') throw new Error('dataset-file: big-endian platforms are not supported');

function checkDataset(ds: Dataset): void {
  const { n, height, width, channels } = ds;
  const bad = (what: string) => new Error(`writeDatasetFile: invalid dataset: ${what}`);
  if (!Number.isInteger(n) || n < 0) throw bad(`n = ${n}`);
  if (!Number.isInteger(height) || height < 1 || !Number.isInteger(width) || width < 1) {
    throw bad(`size ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3) throw bad(`channels = ${channels}`);
  if (ds.pixels.length !== n * height * width * channels) {
    throw bad(`pixels has ${ds.pixels.length} bytes, expected ${n * height * width * channels}`);
  }
  if (ds.labels.length !== n) throw bad(`labels has ${ds.labels.length} entries, expected ${n}`);
  if (ds.split.length !== n) throw bad(`split has ${ds.split.length} entries, expected ${n}`);
}

export async function writeDatasetFile(path: string, ds: Dataset): Promise<void> {
  checkDataset(ds);
  const json = Buffer.from(JSON.stringify(ds.labelNames), 'utf8');
  // pad so the pixels start on an 8-byte boundary (friendlier to mmap-style readers)
  const headerBytes = Math.ceil((FIXED + json.length) / 8) * 8;
  const header = Buffer.alloc(headerBytes);
  header.write(MAGIC, 0, 'latin1');
  const fields = [VERSION, headerBytes, ds.n, ds.height, ds.width, ds.channels, ds.labelNames.length, json.length];
  fields.forEach((v, i) => header.writeUInt32LE(v, 4 + 4 * i));
  json.copy(header, FIXED);
  await writeFileAtomic(path, [header, ds.pixels, new Uint8Array(ds.labels.buffer, ds.labels.byteOffset, ds.labels.byteLength), ds.split]);
}

async function readHeaderFrom(fh: import('node:fs/promises').FileHandle, path: string, size: number): Promise<DatasetHeader> {
  const corrupt = (what: string) => new Error(`dataset file ${path} is corrupt: ${what}`);
  if (size < FIXED) throw corrupt(`only ${size} bytes, shorter than the ${FIXED}-byte header`);
  const fixed = Buffer.alloc(FIXED);
  await fh.read(fixed, 0, FIXED, 0);
  const magic = fixed.toString('latin1', 0, 4);
  if (magic !== MAGIC) throw corrupt(`wrong magic ${JSON.stringify(magic)} (expected "${MAGIC}"); not a Latent Lab dataset file`);
  const word = (i: number) => fixed.readUInt32LE(4 + 4 * i);
  const [version, headerBytes, n, height, width, channels, labelCount, jsonLength] = [0, 1, 2, 3, 4, 5, 6, 7].map(word) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (version !== VERSION) throw corrupt(`unsupported version ${version} (this build reads version ${VERSION})`);
  if (channels !== 1 && channels !== 3) throw corrupt(`channels = ${channels} (expected 1 or 3)`);
  if (height < 1 || width < 1) throw corrupt(`image size ${width}x${height}`);
  if (headerBytes < FIXED + jsonLength || headerBytes > size) throw corrupt(`header length ${headerBytes} is inconsistent`);
  const json = Buffer.alloc(jsonLength);
  await fh.read(json, 0, jsonLength, FIXED);
  let labelNames: unknown;
  try {
    labelNames = JSON.parse(json.toString('utf8'));
  } catch {
    throw corrupt('label names are not valid JSON');
  }
  if (!Array.isArray(labelNames) || !labelNames.every((s) => typeof s === 'string')) {
    throw corrupt('label names are not a list of strings');
  }
  if (labelNames.length !== labelCount) {
    throw corrupt(`header says ${labelCount} labels but lists ${labelNames.length} names`);
  }
  const expected = headerBytes + n * height * width * channels + 4 * n + n;
  if (size !== expected) {
    throw corrupt(
      size < expected
        ? `truncated: ${size} bytes, expected ${expected} for ${n} images of ${width}x${height}x${channels}`
        : `${size - expected} unexpected trailing bytes (expected ${expected})`,
    );
  }
  return { version, n, height, width, channels: channels as 1 | 3, labelNames, headerBytes };
}

/** Reads only the header: cheap, for listings. */
export async function readDatasetHeader(path: string): Promise<DatasetHeader> {
  const { fh, size } = await openOwnFile(path);
  try {
    return await readHeaderFrom(fh, path, size);
  } finally {
    await fh.close();
  }
}

async function readFully(fh: import('node:fs/promises').FileHandle, into: Uint8Array, position: number, path: string): Promise<void> {
  let off = 0;
  while (off < into.byteLength) {
    // reads of > 2 GiB are refused by Node; go in 256 MiB slices
    const len = Math.min(into.byteLength - off, 1 << 28);
    const { bytesRead } = await fh.read(into, off, len, position + off);
    if (bytesRead === 0) throw new Error(`dataset file ${path} is corrupt: truncated while reading`);
    off += bytesRead;
  }
}

export async function readDatasetFile(path: string): Promise<Dataset> {
  const { fh, size } = await openOwnFile(path);
  try {
    const h = await readHeaderFrom(fh, path, size);
    const { n, height, width, channels } = h;
    const pixels = new Uint8Array(n * height * width * channels);
    const labels = new Int32Array(n);
    const split = new Uint8Array(n);
    let pos = h.headerBytes;
    await readFully(fh, pixels, pos, path);
    pos += pixels.byteLength;
    await readFully(fh, new Uint8Array(labels.buffer), pos, path);
    pos += labels.byteLength;
    await readFully(fh, split, pos, path);
    for (let i = 0; i < n; i++) {
      const l = labels[i]!;
      if (l < -1 || l >= h.labelNames.length) {
        throw new Error(`dataset file ${path} is corrupt: image ${i} has label ${l} but there are ${h.labelNames.length} label names`);
      }
      if (split[i]! > 1) throw new Error(`dataset file ${path} is corrupt: image ${i} has split flag ${split[i]} (expected 0 or 1)`);
    }
    return { n, height, width, channels, pixels, labels, split, labelNames: h.labelNames };
  } finally {
    await fh.close();
  }
}
