// Atomic file writes: a reader (or a crash) never sees a half-written file.
import { link, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A temp name next to `path` (same directory, so rename stays on one filesystem). */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Writes `chunks` to `path + '.tmp-<pid>-<rand>'`, fsyncs, then renames over `path`.
 * On any failure the temp file is removed and `path` is left as it was. With `overwrite: false`
 * a file already at `path` fails the write with EEXIST (a hard link cannot replace a file, so
 * a file that appears meanwhile is never clobbered either).
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string | (Uint8Array | string)[],
  opts: { overwrite?: boolean } = {},
): Promise<void> {
  const tmp = tempPathFor(path);
  const parts = Array.isArray(data) ? data : [data];
  let ok = false;
  const fh = await open(tmp, 'wx');
  try {
    for (const part of parts) {
      const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
      let off = 0;
      while (off < bytes.byteLength) {
        const { bytesWritten } = await fh.write(bytes, off, bytes.byteLength - off);
        off += bytesWritten;
      }
    }
    await fh.sync();
    await fh.close();
    if (opts.overwrite === false) await placeNew(tmp, path);
    else await rename(tmp, path);
    ok = true;
    await syncDir(dirname(path));
  } finally {
    if (!ok) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    }
  }
}

/** tmp to path only if nothing is there: a hard link refuses an existing file atomically; a file
 * system without hard links (FAT, some network shares) gets a check, then the rename. */
async function placeNew(tmp: string, path: string): Promise<void> {
  try {
    await link(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || !['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(code ?? '')) throw e;
    const taken = await stat(path).then(
      () => true,
      () => false,
    );
    if (taken) throw Object.assign(new Error(`EEXIST: file already exists, ${path}`), { code: 'EEXIST' });
    await rename(tmp, path);
    return;
  }
  await unlink(tmp);
}

/** Makes the rename itself durable; best effort (directories cannot be opened on Windows). */
async function syncDir(dir: string): Promise<void> {
  try {
    const dh = await open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // not fatal: the data itself is already synced
  }
}
