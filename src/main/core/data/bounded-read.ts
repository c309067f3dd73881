// Reading an import path without trusting it: only regular files (a FIFO would block a libuv
// thread for good, /dev/zero never ends), and an IDX file (raw or .gz) read as a stream into
// a buffer of exactly the size its header declares, so a gzip bomb stops at that size and a
// header that declares more than the hard cap is refused before anything is allocated.
import { constants, statSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** The most bytes one IDX file may decode to (EMNIST ByClass, the largest common one, is about 640 MB). */
export const IDX_MAX_BYTES = 2 * 1024 ** 3;

const ELEMENT_BYTES: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };
const TYPE_NAMES: Record<number, string> = { 0x08: 'u8', 0x09: 'i8', 0x0b: 'i16', 0x0c: 'i32', 0x0d: 'f32', 0x0e: 'f64' };

/** What a non-regular file is, in words ("a FIFO (named pipe)", "a character device", ...). */
export function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

function notRegular(path: string, st: Stats): Error {
  return new Error(`${path} is ${kindOf(st)}; only regular files can be imported`);
}

/** Throws unless path is a regular file (stat never blocks, even on a FIFO). */
export function assertRegularFile(path: string): void {
  const st = statSync(path);
  if (!st.isFile()) throw notRegular(path, st);
}

/** Opens a regular file for reading; O_NONBLOCK so a FIFO swapped in after a check cannot block the open. */
export async function openRegularFile(path: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    // a socket cannot be opened (ENXIO): say what it is, as for a FIFO
    const st = statSync(path, { throwIfNoEntry: false });
    if (st && !st.isFile()) throw notRegular(path, st);
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw notRegular(path, st);
  }
  return fh;
}

/** Collects an IDX stream: the header first, then exactly the bytes it declares. */
class IdxCollector {
  private head = Buffer.alloc(0);
  private out: Buffer | null = null;
  private filled = 0;
  expected = 0;
  dims: number[] = [];

  constructor(
    private name: string,
    private maxBytes: number,
  ) {}

  push(chunk: Buffer): void {
    if (this.out) return this.append(chunk);
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < 4) return;
    if (this.head[0] !== 0 || this.head[1] !== 0) {
      // never the bytes themselves: the path may be any file the caller can name
      throw new Error(`${this.name}: wrong magic (an IDX file starts with 00 00 <type> <dims>)`);
    }
    const size = ELEMENT_BYTES[this.head[2]!];
    if (!size) throw new Error(`${this.name}: unknown IDX data type 0x${this.head[2]!.toString(16).padStart(2, '0')}`);
    const ndims = this.head[3]!;
    if (ndims < 1) throw new Error(`${this.name}: IDX header declares 0 dimensions`);
    const start = 4 + 4 * ndims;
    if (this.head.length < start) return;
    this.dims = Array.from({ length: ndims }, (_, i) => this.head.readUInt32BE(4 + 4 * i));
    this.expected = start + this.dims.reduce((a, b) => a * b, 1) * size;
    if (this.expected > this.maxBytes) {
      throw new Error(
        `${this.name}: its header declares dimensions [${this.dims.join(', ')}] of ${TYPE_NAMES[this.head[2]!]} (${this.expected} bytes), ` +
          `more than the ${this.maxBytes} bytes an IDX import may hold`,
      );
    }
    this.out = Buffer.alloc(this.expected);
    const head = this.head;
    this.head = Buffer.alloc(0);
    this.append(head);
  }

  private append(chunk: Buffer): void {
    const out = this.out!;
    if (this.filled + chunk.length > out.length) {
      throw new Error(
        `${this.name}: unexpected bytes after the data (dimensions [${this.dims.join(', ')}]): ` +
          `it holds more than the ${out.length} bytes its header declares; reading stopped there`,
      );
    }
    chunk.copy(out, this.filled);
    this.filled += chunk.length;
  }

  finish(): Buffer {
    if (this.out && this.filled === this.out.length) return this.out;
    if (this.out) {
      throw new Error(`${this.name}: truncated: ${this.filled} bytes, dimensions [${this.dims.join(', ')}] need ${this.expected}`);
    }
    const n = this.head.length;
    if (n < 4) throw new Error(`${this.name}: truncated: ${n} bytes, an IDX header needs at least 4`);
    throw new Error(`${this.name}: truncated inside the header (${n} bytes, ${this.head[3]} dimensions need ${4 + 4 * this.head[3]!})`);
  }
}

/**
 * Reads an IDX file, gunzipping a .gz as it streams; the result holds exactly the bytes the
 * header declares (at most maxBytes). Aborting the signal stops the read.
 */
export async function readIdxBytes(path: string, opts: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<Buffer> {
  const fh = await openRegularFile(path);
  try {
    const magic = Buffer.alloc(2);
    await fh.read(magic, 0, 2, 0);
    const gz = magic[0] === 0x1f && magic[1] === 0x8b;
    const collector = new IdxCollector(path, opts.maxBytes ?? IDX_MAX_BYTES);
    const src = fh.createReadStream({ start: 0, highWaterMark: 1 << 20, autoClose: false });
    // what the collector refuses, kept: the pipeline reports it as an abort of the streams
    let refused: unknown = null;
    const sink = async (source: AsyncIterable<Buffer>): Promise<void> => {
      for await (const chunk of source) {
        try {
          collector.push(chunk);
        } catch (e) {
          refused = e;
          throw e;
        }
      }
    };
    try {
      if (gz) await pipeline(src, createGunzip(), sink, { signal: opts.signal });
      else await pipeline(src, sink, { signal: opts.signal });
    } catch (e) {
      if (refused) throw refused;
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code.startsWith('Z_')) throw new Error(`${path}: gzip stream is corrupt or truncated (${(e as Error).message})`);
      throw e;
    }
    return collector.finish();
  } finally {
    await fh.close();
  }
}
