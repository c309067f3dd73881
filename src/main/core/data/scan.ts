// The folder scan under an import or a probe: every non-hidden file, in natural order; links
// followed only where they stay inside the chosen folder, each folder read once; what cannot
// be read (a FIFO, a device, a bad name, a pseudo filesystem) or is not followed (a link out,
// a loop, past the walk's bound) listed with why; bounded in entries and depth always, in
// files and time for a probe, and cancellable.
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { AppFailure } from '../../../shared/result';
import { kindOf } from './bounded-read.js';
import { isPseudoFs, refusePseudoFolder } from './browse.js';

export interface ScannedFile {
  path: string;
  /** first-level subfolder name, or null for files directly in the root */
  labelName: string | null;
}

export interface ScanResult {
  files: ScannedFile[];
  /** the scan stopped at a bound (ScanBounds) before it saw every file */
  truncated?: boolean;
  /** entries that could not be read (permissions, broken links) or were not followed (links out, loops, bounds) */
  errors: { path: string; reason: 'unreadable' | 'not-followed'; detail: string }[];
}

/** Where a scan stops (a probe's): at most this many files, and no later than this time (ms since the epoch). */
export interface ScanBounds {
  maxFiles: number;
  deadline: number;
}

/**
 * Where every walk stops, probe or import: entries looked at (files, folders, links; 2.5x
 * ImageNet's training set) and folders deep. A folder that holds more is not a dataset
 * anyone picked on purpose; the walk ends and the list of skipped entries says where.
 */
export interface WalkBounds {
  maxEntries: number;
  maxDepth: number;
}
export const WALK_BOUNDS: WalkBounds = { maxEntries: 3_000_000, maxDepth: 32 };

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });
/** Natural order (s2 before s10), with a plain comparison as the tie breaker so order is total. */
export const naturalCompare = (a: string, b: string) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

export function abortError(signal: AbortSignal): Error {
  const r = signal.reason;
  if (r instanceof Error && r.name === 'AbortError') return r;
  const e = new Error('import cancelled');
  e.name = 'AbortError';
  return e;
}

/**
 * Lists every non-hidden file under root, in natural order. A symlink is followed only when
 * its target lies inside root (a link to `/` walked the whole disk); a folder already read
 * (by real path) is never entered again, which breaks loops; each link not followed is listed.
 */
export async function scanFolder(
  root: string,
  signal?: AbortSignal,
  onFile?: (count: number) => void,
  bounds?: ScanBounds,
  walkBounds: WalkBounds = WALK_BOUNDS,
): Promise<ScanResult> {
  const files: ScannedFile[] = [];
  let truncated = false;
  const errors: ScanResult['errors'] = [];
  /** real path of each folder read -> the path it was read through */
  const seenDirs = new Map<string, string>();
  /** real path of each file listed -> the path it was listed under */
  const seenFiles = new Map<string, string>();
  let entriesSeen = 0;
  let rootReal: string;
  try {
    rootReal = await realpath(root);
    if (!(await stat(rootReal)).isDirectory()) throw new Error(`${root} is not a folder`);
  } catch (e) {
    // the caller's path, not our fault (the fuzz suite's datasets:probe of /dev/zero came back `internal`)
    throw new AppFailure('bad-input', `cannot import folder ${root}: ${(e as Error).message}`);
  }
  await refusePseudoFolder(rootReal);
  const inside = (real: string) => real === rootReal || real.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);
  const notFollowed = (path: string, detail: string) => errors.push({ path, reason: 'not-followed', detail });

  async function walk(dir: string, real: string, labelName: string | null, depth: number): Promise<void> {
    if (signal?.aborted) throw abortError(signal);
    seenDirs.set(real, dir);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      errors.push({ path: dir, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
      return;
    }
    entries.sort((a, b) => naturalCompare(a.name, b.name));
    for (const ent of entries) {
      if (signal?.aborted) throw abortError(signal);
      if (truncated || (bounds && (files.length >= bounds.maxFiles || Date.now() > bounds.deadline))) return void (truncated = true);
      if (ent.name.startsWith('.')) continue; // hidden: .DS_Store, .git, ._resource forks
      const p = join(dir, ent.name);
      if (++entriesSeen > walkBounds.maxEntries) {
        truncated = true;
        notFollowed(p, `the walk stopped here, after ${walkBounds.maxEntries.toLocaleString('en')} entries; choose a smaller folder`);
        return;
      }
      if (await badName(p)) {
        errors.push({ path: p, reason: 'unreadable', detail: 'its name is not valid UTF-8; rename it to import it' });
        continue;
      }
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      let entReal = '';
      let st: Stats | null = null;
      try {
        if (ent.isSymbolicLink()) {
          entReal = await realpath(p);
          st = await stat(entReal);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } else if (!isDir && !isFile) st = await lstat(p);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'error';
        errors.push({ path: p, reason: 'unreadable', detail: ent.isSymbolicLink() ? `broken symbolic link (${code})` : code });
        continue;
      }
      if (!isDir && !isFile && st) {
        // a FIFO, a socket or a device (or a link to one) is never read, and the list says so
        const what = kindOf(st);
        errors.push({ path: p, reason: 'unreadable', detail: `${ent.isSymbolicLink() ? `a link to ${what}` : what}, not a regular file` });
        continue;
      }
      if (entReal && !inside(entReal)) {
        notFollowed(p, `a link out of the chosen folder (to ${entReal}); links are followed only inside it`);
        continue;
      }
      if (isDir) {
        const r = entReal || join(real, ent.name);
        const readAs = seenDirs.get(r);
        if (readAs !== undefined) {
          const loop = real === r || real.startsWith(r + sep);
          notFollowed(p, loop ? `a link back to ${readAs}, which holds it (a loop)` : `a second way into ${readAs}, read once`);
          continue;
        }
        if (depth + 1 > walkBounds.maxDepth) {
          notFollowed(p, `more than ${walkBounds.maxDepth} folders deep`);
          continue;
        }
        if (await isPseudoFs(r)) {
          // a link into /proc or /sys: its "files" block or never end when read
          errors.push({ path: p, reason: 'unreadable', detail: 'a system folder (pseudo filesystem), not read' });
          continue;
        }
        await walk(p, r, labelName ?? ent.name, depth + 1);
      } else if (isFile) {
        // a file reached twice through links would be imported twice under one real path
        const r = entReal || join(real, ent.name);
        const listedAs = seenFiles.get(r);
        if (listedAs !== undefined) {
          notFollowed(p, `the same file as ${listedAs}, imported once`);
          continue;
        }
        seenFiles.set(r, p);
        files.push({ path: p, labelName });
        onFile?.(files.length);
      }
    }
  }

  await walk(root, rootReal, null, 0);
  return truncated ? { files, errors, truncated } : { files, errors };
}

/**
 * A name that is not valid UTF-8 reaches us with U+FFFD in place of its bad bytes, so the path
 * names no file (ENOENT). Such a name is said as such rather than as a missing file.
 */
async function badName(path: string): Promise<boolean> {
  if (!path.includes('\uFFFD')) return false;
  try {
    await lstat(path);
    return false; // a real U+FFFD in a valid name
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
