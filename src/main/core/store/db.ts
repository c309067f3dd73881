// Opening the store: WAL, foreign keys, migrations in one transaction, refuse a newer file.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AppFailure } from '../../../shared/contract';
import { kindOf } from '../data/bounded-read';
import { accessFailure, corruptFailure, isCorrupt } from './db-errors';
import { migrations as allMigrations, type Migration } from './migrations';

export type Db = Database.Database;

export const SCHEMA_VERSION = allMigrations[allMigrations.length - 1]!.version;

export function openDb(file: string, migrations: Migration[] = allMigrations): Db {
  refuseNotAFile(file);
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw accessFailure(file, err) ?? err;
  }
  try {
    // read before anything is written: a refused file (garbage, a newer schema) stays as it was
    refuseUnreadable(db, file, migrations.length);
    db.pragma('journal_mode = WAL');
    // FULL (SQLite's default, kept on purpose): in WAL mode NORMAL may lose the last commits on a
    // power loss, and an epoch's commit is what makes its checkpoint the one a resume uses
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations, file);
    return db;
  } catch (err) {
    const failure = accessFailure(file, err) ?? (isCorrupt(err) ? corruptFailure(db, file, err) : err);
    db.close();
    throw failure;
  }
}

function refuseUnreadable(db: Db, file: string, latest: number): void {
  let current: number;
  try {
    current = db.pragma('user_version', { simple: true }) as number;
    db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
  } catch (err) {
    // a sound database that cannot be opened here (read-only, locked) or a damaged one is not foreign
    if (accessFailure(file, err) || isCorrupt(err)) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new AppFailure(
      'bad-input',
      `${file} is not a Latent Lab database (SQLite: ${why}); it was left as it is. ` +
        'Restore it from a backup, or move it aside to start an empty one, or use another data folder (--data-dir).',
    );
  }
  if (current > latest) refuseNewer(file, current, latest);
}

function refuseNewer(file: string, current: number, latest: number): never {
  throw new AppFailure(
    'bad-input',
    `${file} was written by a newer version of Latent Lab (schema ${current}, this app knows up to ${latest}). ` +
      'Update Latent Lab, or start with another data folder (--data-dir).',
  );
}

export function migrate(db: Db, migrations: Migration[], file = 'the database'): void {
  for (let i = 0; i < migrations.length; i++) {
    if (migrations[i]!.version !== i + 1) {
      throw new Error(`migration ${migrations[i]!.name} has number ${migrations[i]!.version}, expected ${i + 1}`);
    }
  }
  const latest = migrations.length;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) refuseNewer(file, current, latest);
  if (current === latest) return;
  // a step may rebuild a table (SQLite's way to change a constraint): with foreign keys on,
  // dropping the old table would delete the rows that reference it. The pragma has no effect
  // inside a transaction, so it goes around it, and every reference is checked before the commit.
  const fk = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    const run = db.transaction(() => {
      for (const m of migrations.slice(current)) db.exec(m.sql);
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length) throw new Error(`${file}: the migration left ${broken.length} broken references; nothing was changed`);
      db.pragma(`user_version = ${latest}`);
    });
    run();
  } finally {
    if (fk) db.pragma('foreign_keys = ON');
  }
}

/** SQLite would open a FIFO put in the database's place, and then block on its first read. */
function refuseNotAFile(file: string): void {
  const st = statSync(file, { throwIfNoEntry: false });
  if (st && !st.isFile()) throw new AppFailure('bad-input', `${file} is ${kindOf(st)}, not a database file; move it aside`);
}

/**
 * A missing or empty (0-byte) database beside datasets or runs is damage, not a new start:
 * opening it would show an empty app over the user's data. Refused, with nothing changed.
 */
export function refuseEmptyOverData(file: string, dataDir: string): void {
  refuseNotAFile(file);
  const size = statSync(file, { throwIfNoEntry: false })?.size;
  if (size !== undefined && size > 0) return;
  const count = (sub: string): number => {
    try {
      return readdirSync(join(dataDir, sub)).length;
    } catch {
      return 0;
    }
  };
  const datasets = count('datasets');
  const runs = count('runs');
  if (datasets + runs === 0) return;
  throw new AppFailure(
    'bad-input',
    `${file} is ${size === undefined ? 'missing' : 'empty (0 bytes)'} but ${dataDir} holds ${datasets} dataset file(s) and ${runs} run folder(s): ` +
      'the database is damaged or lost, not new, and was left as it is. Restore it from a backup, ' +
      'or move the data folder aside to start afresh, or use another data folder (--data-dir).',
  );
}
