// Where an export may write. A token holder in browser mode is not the user at a save dialog:
// there a file is replaced only when the call says so, a file gets only its known extension,
// and a model folder is made only inside a folder that exists. No door writes into the
// kernel's pseudo-filesystems (/proc, /sys, /dev).
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, sep } from 'node:path';
import { AppFailure } from '../../../shared/contract';
import { userPath } from '../user-path';
import { writeFailure } from './write-error';

const PSEUDO = ['/proc', '/sys', '/dev'];

export interface Destination {
  door: 'electron' | 'browser' | 'cli';
  overwrite: boolean;
}

/** The real path of the nearest folder that exists above (or at) path. */
function realAncestor(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function refusePseudo(path: string): void {
  const real = realAncestor(path);
  if (PSEUDO.some((root) => real === root || real.startsWith(root + sep)))
    throw new AppFailure('bad-input', `${path} is on a system pseudo-filesystem (${real}); exports go to a real folder`);
}

/**
 * Checks a file export's path; returns it absolute. In browser mode it must end in `ext` or
 * have no extension (then `ext` is added); elsewhere `ext` is added only with `appendElsewhere`.
 */
export function fileDestination(path: string, ext: string, d: Destination, appendElsewhere = true): string {
  let p = userPath(path, d.door);
  const given = extname(p).toLowerCase();
  if (d.door === 'browser') {
    if (given !== ext && given !== '') throw new AppFailure('bad-input', `${p}: this export writes ${ext} files only`);
    if (given === '') p += ext;
  } else if (given !== ext && appendElsewhere) p += ext;
  refusePseudo(p);
  if (d.door === 'browser' && !d.overwrite && existsSync(p))
    throw new AppFailure('conflict', `${p} already exists; choose another name, or ask to overwrite it`);
  return p;
}

/**
 * Whether path exists; a folder this user cannot reach (no permission on it or above) is said
 * as such, not as missing, which existsSync would make of it.
 */
function reachable(path: string, target: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw writeFailure(target, e);
  }
}

/** Checks a model export's folder; returns it absolute. */
export function folderDestination(path: string, d: Destination): string {
  const p = userPath(path, d.door);
  refusePseudo(p);
  if (d.door !== 'browser') return p;
  if (!reachable(dirname(p), p))
    throw new AppFailure('bad-input', `${dirname(p)} does not exist; a model export makes one folder, not a tree`);
  if (existsSync(p)) {
    if (!statSync(p).isDirectory()) throw new AppFailure('conflict', `${p} is a file; a model export needs a folder`);
    if (!d.overwrite && readdirSync(p).length > 0)
      throw new AppFailure('conflict', `${p} is not empty; choose an empty or new folder, or ask to overwrite its model files`);
  }
  return p;
}
