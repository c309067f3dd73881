// Opening the store: WAL, foreign keys, migrations in one transaction, refuse a newer file.
import Database from 'better-sqlite3';
import { AppFailure } from '../../../shared/contract';
import { migrations as allMigrations, type Migration } from './migrations';

export type Db = Database.Database;

export const SCHEMA_VERSION = allMigrations[allMigrations.length - 1]!.version;

export function openDb(file: string, migrations: Migration[] = allMigrations): Db {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations, file);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function migrate(db: Db, migrations: Migration[], file = 'the database'): void {
  for (let i = 0; i < migrations.length; i++) {
    if (migrations[i]!.version !== i + 1) {
      throw new Error(`migration ${migrations[i]!.name} has number ${migrations[i]!.version}, expected ${i + 1}`);
    }
  }
  const latest = migrations.length;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new AppFailure(
      'bad-input',
      `${file} was written by a newer version of Latent Lab (schema ${current}, this app knows up to ${latest}). ` +
        'Update Latent Lab, or start with another data folder (--data-dir).',
    );
  }
  if (current === latest) return;
  const run = db.transaction(() => {
    for (const m of migrations.slice(current)) db.exec(m.sql);
    db.pragma(`user_version = ${latest}`);
  });
  run();
}
