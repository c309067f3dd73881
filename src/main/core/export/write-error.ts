// An export the system refused, said in words: the file the user asked for (never the temp
// name the write went through) and why, as `bad-input` (`not-found` for a folder that does not
// exist) instead of `internal` with errno text.
import { dirname } from 'node:path';
import { AppFailure } from '../../../shared/contract';

const WHY: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'the system does not permit it',
  EROFS: 'the file system is read-only',
  EISDIR: 'it is a folder',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many files are open',
  EIO: 'the disk reported an input/output error',
};

/** The AppFailure for an errno error met while writing `path` (other errors pass through). */
export function writeFailure(path: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (err instanceof AppFailure || typeof code !== 'string') return err;
  if (code === 'ENOENT') return new AppFailure('not-found', `cannot write ${path}: the folder ${dirname(path)} does not exist`);
  if (code === 'ENOTDIR') return new AppFailure('bad-input', `cannot write ${path}: a part of ${dirname(path)} is a file, not a folder`);
  const why = WHY[code] ?? `the system refused the write (${code})`;
  // whose permission: this user's, in the folder the file goes into (or one above it)
  const where = code === 'EACCES' || code === 'EPERM' ? ` (this user cannot write in ${dirname(path)} or reach it)` : '';
  return new AppFailure('bad-input', `cannot write ${path}: ${why}${where}`);
}

/** Runs an export's write, turning what the system refuses into a message naming `path`. */
export async function writingTo<T>(path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    throw writeFailure(path, err);
  }
}
