// Numbered schema migrations. Append only: a released step is never edited, a new number is
// added instead. `user_version` holds the number of the last step applied.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'datasets, images, runs, metrics, checkpoints',
    sql: `
      CREATE TABLE datasets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('folder', 'idx', 'mnist')),
        source TEXT NOT NULL,
        created_at TEXT NOT NULL,
        count INTEGER NOT NULL,
        train_count INTEGER NOT NULL,
        test_count INTEGER NOT NULL,
        height INTEGER NOT NULL,
        width INTEGER NOT NULL,
        channels INTEGER NOT NULL CHECK (channels IN (1, 3)),
        label_names TEXT NOT NULL,   -- JSON array of strings
        label_counts TEXT NOT NULL,  -- JSON array of numbers
        options TEXT NOT NULL,       -- JSON: how it was imported
        file TEXT NOT NULL           -- pixel file, relative to the data dir
      );
      CREATE TABLE images (
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        source TEXT,
        label INTEGER NOT NULL,
        split INTEGER NOT NULL CHECK (split IN (0, 1)),
        PRIMARY KEY (dataset_id, idx)
      ) WITHOUT ROWID;
      CREATE TABLE skipped (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        source TEXT NOT NULL,
        reason TEXT NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX skipped_dataset ON skipped(dataset_id);
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id),
        config TEXT NOT NULL,        -- JSON TrainConfig
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'cancelled', 'failed', 'interrupted')),
        backend TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        seconds REAL NOT NULL DEFAULT 0,
        epochs_done INTEGER NOT NULL DEFAULT 0,
        best_held_out REAL,
        last_held_out REAL,
        dir TEXT NOT NULL            -- run folder, relative to the data dir
      );
      CREATE INDEX runs_dataset ON runs(dataset_id);
      CREATE TABLE metrics (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('step', 'epoch')),
        step INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        loss REAL NOT NULL,
        recon REAL NOT NULL,
        kl REAL NOT NULL,
        held_out REAL,
        images_per_sec REAL
      );
      CREATE INDEX metrics_run ON metrics(run_id, kind, step);
      CREATE TABLE checkpoints (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch INTEGER NOT NULL,
        path TEXT NOT NULL,
        held_out REAL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, epoch)
      );
    `,
  },
  {
    version: 2,
    name: 'evaluations',
    sql: `
      CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch INTEGER NOT NULL,
        images INTEGER NOT NULL,
        k INTEGER NOT NULL,
        elbo REAL NOT NULL,
        iwae REAL,
        mse REAL,
        psnr REAL,
        active_units INTEGER,
        accuracy REAL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX evaluations_run ON evaluations(run_id);
    `,
  },
  {
    version: 3,
    name: 'the process that trains a run',
    // Another process opening the same data folder (a CLI `runs` while the app trains) must
    // not take a live run for a crashed one.
    sql: `ALTER TABLE runs ADD COLUMN owner_pid INTEGER;`,
  },
  {
    version: 4,
    name: 'leases: which process trains, resumes or deletes a run',
    // Two processes on one data folder (a server training run 4, `latent-lab resume 4`) must
    // not both work on one run: a row here is the claim, taken in a write transaction.
    sql: `
      CREATE TABLE run_leases (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        purpose TEXT NOT NULL,
        since TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: "a run can end collapsed; what a dataset's pixels are",
    // SQLite cannot change a CHECK constraint in place: the runs table is rebuilt under its own
    // name (migrate() turns foreign keys off around this, so dropping the old table takes none
    // of its metrics or checkpoints with it, and checks every reference before the commit).
    // A run whose code went unused ends 'collapsed', so it no longer passes for a good one.
    sql: `
      CREATE TABLE runs_new (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id),
        config TEXT NOT NULL,        -- JSON TrainConfig
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'cancelled', 'failed', 'interrupted', 'collapsed')),
        backend TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        seconds REAL NOT NULL DEFAULT 0,
        epochs_done INTEGER NOT NULL DEFAULT 0,
        best_held_out REAL,
        last_held_out REAL,
        dir TEXT NOT NULL,           -- run folder, relative to the data dir
        owner_pid INTEGER
      );
      INSERT INTO runs_new (id, name, dataset_id, config, status, backend, error, created_at, started_at, finished_at,
          seconds, epochs_done, best_held_out, last_held_out, dir, owner_pid)
        SELECT id, name, dataset_id, config, status, backend, error, created_at, started_at, finished_at,
          seconds, epochs_done, best_held_out, last_held_out, dir, owner_pid FROM runs;
      DROP TABLE runs;
      ALTER TABLE runs_new RENAME TO runs;
      CREATE INDEX runs_dataset ON runs(dataset_id);
      -- 'binary', 'grey' or 'colour', measured at import (null for a dataset imported before)
      ALTER TABLE datasets ADD COLUMN pixels TEXT;
    `,
  },
];
