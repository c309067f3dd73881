// Where an export may write. One rule at every door: a file is replaced only when the call says
// so (--force on the command line; in the desktop app the native save dialog has asked), a link
// at the path included. A path that names a folder gets the file inside it, under the export's
// own name. A token holder in browser mode is not the user at a save dialog: there a file gets
// only its known extension, and a model folder is made only inside a folder that exists. No
// door writes into the kernel's pseudo-filesystems (/proc, /sys, /dev).
import { existsSync, lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, extname, join, sep } from 'node:path';
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

/** What is at path, the link itself or (follow) what it leads to; undefined for nothing there, or a file in the way (the write says so). */
function entry(path: string, follow: boolean): Stats | undefined {
  try {
    return (follow ? statSync : lstatSync)(path, { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw writeFailure(path, e);
  }
}

/** Whether anything is at path: a file, a folder, or a link (even one that leads nowhere). */
const taken = (path: string): boolean => entry(path, false) !== undefined;

/** Whether the desktop app's native save dialog chose the path (it asks before replacing a file). */
export const dialogAsked = (d: Destination): boolean => d.door === 'electron';

export const fileExists = (path: string): AppFailure =>
  new AppFailure('conflict', `${path} already exists; choose another name, or overwrite it (--force on the command line)`);

/**
 * Checks a file export's path; returns it absolute. A folder (one that exists, or a path ending
 * in a separator) gets `name` inside it. In browser mode the path must end in `ext` or have no
 * extension (then `ext` is added); elsewhere `ext` is added only with `appendElsewhere`.
 */
export function fileDestination(path: string, ext: string, d: Destination, appendElsewhere = true, name = `export${ext}`): string {
  let p = userPath(path, d.door);
  if (/[\\/]$/.test(path) || entry(p, true)?.isDirectory()) p = join(p, name);
  const given = extname(p).toLowerCase();
  if (d.door === 'browser') {
    if (given !== ext && given !== '') throw new AppFailure('bad-input', `${p}: this export writes ${ext} files only`);
    if (given === '') p += ext;
  } else if (given !== ext && appendElsewhere) p += ext;
  refusePseudo(p);
  if (!d.overwrite && !dialogAsked(d) && taken(p)) throw fileExists(p);
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

/** what a model export writes into its folder: the app's format (exportTfjsModel) and the stock models beside it (export/stock) */
const MODEL_FILES = ['model.json', 'weights.bin', 'README.md', 'tfjs', 'onnx'];

/** Checks a model export's folder; returns it absolute. */
export function folderDestination(path: string, d: Destination): string {
  const p = userPath(path, d.door);
  refusePseudo(p);
  if (dialogAsked(d)) return p;
  if (d.door === 'browser' && !reachable(dirname(p), p))
    throw new AppFailure('bad-input', `${dirname(p)} does not exist; a model export makes one folder, not a tree`);
  if (reachable(p, p)) {
    if (!statSync(p).isDirectory()) throw new AppFailure('conflict', `${p} is a file; a model export needs a folder`);
    if (!d.overwrite && d.door === 'browser' && readdirSync(p).length > 0)
      throw new AppFailure('conflict', `${p} is not empty; choose an empty or new folder, or ask to overwrite its model files`);
    // the command line may put a model in a folder of other things, never over a model's files
    const mine = MODEL_FILES.map((f) => join(p, f)).find(taken);
    if (!d.overwrite && mine) throw fileExists(mine);
  }
  return p;
}
