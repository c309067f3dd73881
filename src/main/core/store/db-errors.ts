// What a SQLite error means for the person whose data it is. The wrong advice costs data: a
// healthy database in a read-only folder was called "not a Latent Lab database... move it
// aside", and a damaged one got a bare "malformed". So: read-only and locked files are said
// as such (the database is fine), and damage comes with what the integrity check found and
// how to recover what can be read.
import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { AppFailure } from '../../../shared/contract';
import type Database from 'better-sqlite3';

/** the database handle (db.ts's Db; named here so db.ts can import these without a cycle) */
type Db = Database.Database;

const code = (err: unknown): string => String((err as { code?: unknown } | null)?.code ?? '');
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** SQLite found the file damaged (a page of garbage, a truncated file). */
export function isCorrupt(err: unknown): boolean {
  return code(err).startsWith('SQLITE_CORRUPT');
}

const writable = (path: string): boolean => {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The failure for an error met opening a database that may be sound: the file or its folder
 * read-only, another process holding it, or (null) none of these, for the caller to judge.
 */
export function accessFailure(file: string, err: unknown): AppFailure | null {
  const c = code(err);
  const fine = 'The database was left as it is; nothing says it is damaged.';
  if (c.startsWith('SQLITE_BUSY') || c.startsWith('SQLITE_LOCKED')) {
    return new AppFailure(
      'conflict',
      `${file} is locked by another process (another Latent Lab on this data folder, or a backup tool). ${fine} ` +
        'Close the other one and try again.',
    );
  }
  if (c.startsWith('SQLITE_READONLY') || c.startsWith('SQLITE_CANTOPEN') || c === 'SQLITE_PERM' || c === 'SQLITE_AUTH') {
    const dir = dirname(file);
    const what = !writable(dir)
      ? `its folder ${dir} is read-only for this user (its permissions, or a read-only disk)`
      : !writable(file)
        ? 'the file is read-only for this user (its permissions)'
        : `SQLite cannot open it for writing (${message(err)})`;
    return new AppFailure(
      'bad-input',
      `cannot open ${file}: ${what}. ${fine} Give this user write access, or use another data folder (--data-dir).`,
    );
  }
  return null;
}

/** What `PRAGMA integrity_check` finds, in a few words (it may fail itself on a bad enough file). */
function integrityReport(db: Db | null): string {
  if (!db?.open) return '';
  try {
    const rows = (db.pragma('integrity_check(20)') as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (rows.length === 1 && rows[0] === 'ok') return ' PRAGMA integrity_check found nothing wrong with its structure.';
    const shown = rows.slice(0, 3).join('; ');
    return ` PRAGMA integrity_check found ${rows.length >= 20 ? '20 or more' : rows.length} problem(s): ${shown}${rows.length > 3 ? '; ...' : ''}.`;
  } catch (e) {
    return ` PRAGMA integrity_check could not finish (${message(e)}): the damage reaches its schema.`;
  }
}

/** The failure for a damaged database: what SQLite and the integrity check say, and how to recover. */
export function corruptFailure(db: Db | null, file: string, err: unknown): AppFailure {
  return new AppFailure(
    'internal',
    `${file} is damaged (SQLite: ${message(err)}).${integrityReport(db)} The file was left as it is. ` +
      `To recover what can still be read: close Latent Lab, copy the file aside, run ` +
      `sqlite3 "${file}" ".recover" | sqlite3 recovered.sqlite, and put recovered.sqlite in its place; ` +
      'or restore it from a backup.',
  );
}
