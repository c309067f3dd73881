// A folder listing for the import sheet in browser mode, where no native dialog exists: the
// server's folders, starting at the home folder, hidden ones hidden. Bounded (entries and
// time) and cancellable, and it never enters a pseudo filesystem (/proc, /sys, ...), whose
// "files" can block or run forever when read.
import { opendir, stat, statfs } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { AppFailure } from '../../../shared/result';
import type { BrowseResult } from '../../../shared/records';
import { userPath } from '../user-path.js';
import { IMAGE_EXTENSIONS } from './decode.js';

export interface BrowseOptions {
  /** at most this many entries come back (default 500); `truncated` says there were more */
  limit?: number;
  /** stop reading after this long (default 2 s); `truncated` says so */
  budgetMs?: number;
  signal?: AbortSignal;
}

/** statfs magic numbers of the kernel's pseudo filesystems (linux/magic.h) */
const PSEUDO_FS = new Set([
  0x9fa0, // proc
  0x62656572, // sysfs
  0x1cd1, // devpts
  0x64626720, // debugfs
  0x74726163, // tracefs
  0x73636673, // securityfs
  0x27e0eb, // cgroup
  0x63677270, // cgroup2
  0xcafe4a11, // bpf
  0x6165676c, // pstore
  0x62656570, // configfs
  0x65735543, // fusectl
  0x19800202, // mqueue
  0x0187, // autofs: listing can wait on a mount that never comes
  0x42494e4d, // binfmt_misc
  0xf97cff8c, // selinuxfs
]);
/** devtmpfs reports tmpfs's magic, so /dev goes by name, with the other usual mount points */
const PSEUDO_PATHS = ['/proc', '/sys', '/dev'];

function isPseudoPath(p: string): boolean {
  return process.platform === 'linux' && PSEUDO_PATHS.some((x) => p === x || p.startsWith(`${x}/`));
}

/** True for a folder on one of the kernel's pseudo filesystems (or /proc, /sys, /dev by name). */
export async function isPseudoFs(p: string): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  if (isPseudoPath(p)) return true;
  try {
    return PSEUDO_FS.has(Number((await statfs(p)).type));
  } catch {
    return false;
  }
}

/** Refuses a folder on a pseudo filesystem as bad-input, naming it (browse, probe, import). */
export async function refusePseudoFolder(dir: string): Promise<void> {
  if (await isPseudoFs(dir)) throw new AppFailure('bad-input', `${dir} is a system folder (no images live there)`);
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function abortError(): Error {
  const e = new Error('listing cancelled');
  e.name = 'AbortError';
  return e;
}

/** Expands `~`, and makes a path absolute against the home folder (not the server's cwd). */
export function expandPath(p: string): string {
  return userPath(p, 'browser');
}

/**
 * Lists a folder's subfolders (and files, which the IDX import needs), or, with `prefix`, the
 * entries of `path` whose names start with it (autocomplete: "/home/me/Pic" lists /home/me for
 * "Pic"). No path: the home folder.
 */
export async function browseFolder(path: string | undefined, prefix = '', o: BrowseOptions = {}): Promise<BrowseResult> {
  const limit = o.limit ?? 500;
  const deadline = Date.now() + (o.budgetMs ?? 2000);
  const dir = expandPath(path?.trim() || '~');
  const st = await stat(dir).catch((e: NodeJS.ErrnoException) => {
    throw new AppFailure('bad-input', `${dir}: ${e.code === 'ENOENT' ? 'no such folder' : (e.code ?? e.message)}`);
  });
  if (!st.isDirectory()) throw new AppFailure('bad-input', `${dir} is not a folder`);
  await refusePseudoFolder(dir);
  const entries: BrowseResult['entries'] = [];
  let images = 0;
  let truncated = false;
  const wanted = prefix.toLowerCase();
  const handle = await opendir(dir).catch((e: NodeJS.ErrnoException) => {
    throw new AppFailure('bad-input', `${dir}: cannot be read (${e.code ?? e.message})`);
  });
  try {
    for await (const ent of handle) {
      if (o.signal?.aborted) throw abortError();
      if (Date.now() > deadline || entries.length >= limit) {
        truncated = true;
        break;
      }
      // hidden unless asked for by a prefix that starts with a dot
      if (ent.name.startsWith('.') && !wanted.startsWith('.')) continue;
      if (wanted && !ent.name.toLowerCase().startsWith(wanted)) continue;
      const full = join(dir, ent.name);
      let isDir = ent.isDirectory();
      if (ent.isSymbolicLink()) isDir = (await stat(full).catch(() => null))?.isDirectory() ?? false;
      if (isDir && (await isPseudoFs(full))) continue;
      const ext = /\.([^.]+)$/.exec(ent.name)?.[1]?.toLowerCase();
      if (!isDir && ext && IMAGE_EXTENSIONS.has(ext)) images++;
      entries.push({ name: ent.name, dir: isDir });
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
  entries.sort((a, b) => (a.dir === b.dir ? collator.compare(a.name, b.name) : a.dir ? -1 : 1));
  const parent = dirname(dir);
  return { path: dir, parent: parent === dir ? null : parent, home: homedir(), sep, entries, images, truncated };
}

/** Autocomplete for a typed path: the folder it is in, and the start of the last name. */
export function splitTyped(typed: string): { path: string; prefix: string } {
  if (!typed.trim()) return { path: '~', prefix: '' };
  if (/[\\/]$/.test(typed) || typed === '~') return { path: typed, prefix: '' };
  const full = expandPath(typed);
  return { path: dirname(full), prefix: basename(full) };
}
