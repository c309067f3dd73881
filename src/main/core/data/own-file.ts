// Reading a file the app keeps (a dataset's pixels, a checkpoint, a note beside a run) without
// trusting that it still is one. Anything may be put in its place: a FIFO blocks the thread
// that opens it until a writer comes (so `train` and `reconstruct` hung with no output), a
// device never ends. So the open never blocks (O_NONBLOCK, harmless on a regular file), and
// the open handle's kind and size are checked before a byte is read.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { kindOf } from './bounded-read.js';

const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

function check(path: string, st: Stats, maxBytes: number): void {
  if (!st.isFile()) throw new Error(`${path} is ${kindOf(st)}, not a regular file`);
  if (st.size > maxBytes) throw new Error(`${path} is ${st.size} bytes, more than the ${maxBytes} such a file can be`);
}

/** Opens path for reading once it is known to be a regular file of at most maxBytes; returns its size too. */
export async function openOwnFile(path: string, maxBytes = Number.MAX_SAFE_INTEGER): Promise<{ fh: FileHandle; size: number }> {
  const fh = await open(path, FLAGS);
  try {
    const st = await fh.stat();
    check(path, st, maxBytes);
    return { fh, size: st.size };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** The whole of a regular file of at most maxBytes. */
export async function readOwnFile(path: string, maxBytes: number): Promise<Buffer> {
  const { fh } = await openOwnFile(path, maxBytes);
  try {
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

export async function readOwnText(path: string, maxBytes: number): Promise<string> {
  return (await readOwnFile(path, maxBytes)).toString('utf8');
}

/** readOwnFile for the few places that must read synchronously (the service's start). */
export function readOwnFileSync(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, FLAGS);
  try {
    const st = fstatSync(fd);
    check(path, st, maxBytes);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    for (let n = 1; off < buf.length && n > 0; off += n) n = readSync(fd, buf, off, buf.length - off, off);
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
