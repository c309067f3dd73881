// The folder scan under an import or a probe: every non-hidden file, in natural order, links
// followed without cycles; what cannot be read (a FIFO, a device, a bad name, a pseudo
// filesystem) listed with why; bounded in files and time for a probe, and cancellable.
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
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
  /** directories or entries that could not be read (permissions, broken links) */
  errors: { path: string; reason: 'unreadable'; detail: string }[];
}

/** Where a scan stops (a probe's): at most this many files, and no later than this time (ms since the epoch). */
export interface ScanBounds {
  maxFiles: number;
  deadline: number;
}

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
 * Lists every non-hidden file under root, in natural order. Symlinks are followed, but a
 * directory already visited (by real path) is never entered again, which breaks cycles.
 */
export async function scanFolder(
  root: string,
  signal?: AbortSignal,
  onFile?: (count: number) => void,
  bounds?: ScanBounds,
): Promise<ScanResult> {
  const files: ScannedFile[] = [];
  let truncated = false;
  const errors: ScanResult['errors'] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  let rootReal: string;
  try {
    rootReal = await realpath(root);
    if (!(await stat(rootReal)).isDirectory()) throw new Error(`${root} is not a folder`);
  } catch (e) {
    // the caller's path, not our fault (the fuzz suite's datasets:probe of /dev/zero came back `internal`)
    throw new AppFailure('bad-input', `cannot import folder ${root}: ${(e as Error).message}`);
  }
  await refusePseudoFolder(rootReal);

  async function walk(dir: string, real: string, labelName: string | null): Promise<void> {
    if (signal?.aborted) throw abortError(signal);
    seenDirs.add(real);
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
      if (isDir) {
        const r = entReal || join(real, ent.name);
        if (seenDirs.has(r)) continue; // a cycle, or a second way into a folder already read
        if (await isPseudoFs(r)) {
          // a link into /proc or /sys: its "files" block or never end when read
          errors.push({ path: p, reason: 'unreadable', detail: 'a system folder (pseudo filesystem), not read' });
          continue;
        }
        await walk(p, r, labelName ?? ent.name);
      } else if (isFile) {
        // a file reached twice through links would be imported twice under one real path
        const r = entReal || join(real, ent.name);
        if (seenFiles.has(r)) continue;
        seenFiles.add(r);
        files.push({ path: p, labelName });
        onFile?.(files.length);
      }
    }
  }

  await walk(root, rootReal, null);
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
