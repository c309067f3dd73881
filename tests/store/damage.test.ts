// Orphans and silent loss: what killed writes leave is swept at start, inside the
// data folder only and never a live process's file; a database that is empty beside data, not
// a database at all, or from a newer version is refused naming the file, and left unchanged.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke as dispatch } from '../../src/main/dispatch';
import { DB_FILE, openService } from '../../src/main/core/service';
import { openDb } from '../../src/main/core/store/db';
import { value, writeSmallIdx } from '../service/processes';

let root: string;

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The pid of a process that has ended (a real one, so no live process can own it soon after). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'll-damage-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a damaged or foreign database', () => {
  it('refuses an empty (0-byte) or missing database beside datasets and runs, changing nothing', async () => {
    const dir = join(root, 'empty');
    mkdirSync(join(dir, 'datasets'), { recursive: true });
    writeFileSync(join(dir, 'datasets', 'k3x-abc.lld'), 'pixels');
    writeFileSync(join(dir, DB_FILE), '');
    await expect(openService({ dataDir: dir, door: 'cli' })).rejects.toThrow(
      new RegExp(`${DB_FILE} is empty \\(0 bytes\\) but .* holds 1 dataset file\\(s\\) and 0 run folder\\(s\\): the database is damaged`),
    );
    expect(readFileSync(join(dir, DB_FILE)).length).toBe(0);
    expect(existsSync(join(dir, `${DB_FILE}-wal`))).toBe(false);
    rmSync(join(dir, DB_FILE));
    await expect(openService({ dataDir: dir, door: 'cli' })).rejects.toThrow(/is missing but .* damaged or lost/);
    expect(existsSync(join(dir, DB_FILE))).toBe(false);
  });

  it('says which file is not a database and what to do, and leaves it as it was', () => {
    const file = join(root, 'garbage.sqlite');
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    const before = sha(file);
    expect(() => openDb(file)).toThrow(
      /garbage\.sqlite is not a Latent Lab database \(SQLite: file is not a database\).*left as it is.*backup/,
    );
    expect(sha(file)).toBe(before);
  });

  it('refuses a newer-version database before switching it to WAL', () => {
    const file = join(root, 'newer.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = DELETE');
    db.exec('CREATE TABLE future (x)');
    db.pragma('user_version = 99');
    db.close();
    const before = sha(file);
    expect(() => openDb(file)).toThrow(/newer\.sqlite was written by a newer version of Latent Lab \(schema 99/);
    expect(sha(file)).toBe(before); // header bytes 18-19 say 1 (rollback journal), not 2 (WAL)
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});

describe('orphans swept at start', () => {
  it('removes what dead writers left inside the data folder and nothing else', async () => {
    const dir = join(root, 'data');
    const idx = writeSmallIdx(root);
    let svc = await openService({ dataDir: dir, door: 'cli' });
    const { jobId } = value(await dispatch(svc, 'datasets:import', { kind: 'idx', path: idx.images, labelsPath: idx.labels }));
    const datasetId = (await svc.waitForJob(jobId)).datasetId!;
    const run = value(
      await dispatch(svc, 'runs:start', { datasetId, config: { model: 'vae', latent: 2, hidden: [8], epochs: 1, batch: 50 } }),
    );
    await svc.waitForJob(run.jobId);
    await svc.close();

    const dead = deadPid();
    const live = process.ppid;
    const ck = join('runs', String(run.runId), 'checkpoints');
    const orphans = [
      `datasets/k3x-abc.lld.tmp-${dead}-0a1b2c3d`,
      'datasets/old-unreferenced.lld',
      `${ck}/latest.tmp-${dead}-deadbeef`,
      `${ck}/epoch-0002.tmp/weights.bin`,
      `${ck}/epoch-0007/model.json`, // written, never committed
      'runs/99/checkpoints/epoch-0001/model.json', // its run row is gone
    ];
    const kept = [
      `datasets/live.lld.tmp-${live}-0a1b2c3d`, // a live process is writing it
      'datasets/young-unreferenced.lld', // an import in another process records it in a moment
      'datasets/notes.txt',
      `${ck}/epoch-0001/model.json`,
    ];
    for (const rel of [...orphans, ...kept.slice(0, 3)]) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), 'x');
    }
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(join(dir, 'datasets/old-unreferenced.lld'), hourAgo, hourAgo);
    const outside = join(root, `outside.lld.tmp-${dead}-0a1b2c3d`);
    writeFileSync(outside, 'not ours');

    svc = await openService({ dataDir: dir, door: 'cli' });
    try {
      for (const rel of orphans) expect([rel, existsSync(join(dir, rel))]).toEqual([rel, false]);
      expect(existsSync(join(dir, 'runs/99'))).toBe(false);
      for (const rel of kept) expect([rel, existsSync(join(dir, rel))]).toEqual([rel, true]);
      expect(existsSync(outside)).toBe(true);
      // what the user had still works
      value(await dispatch(svc, 'explore:grid', { kind: 'samples', runId: run.runId, n: 4, seed: 1 }));
      expect(value(await dispatch(svc, 'datasets:list', {}))).toHaveLength(1);
    } finally {
      await svc.close();
    }
  });
});
