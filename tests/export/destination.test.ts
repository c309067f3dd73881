// Where a token holder may write in browser mode, through the real service: a file
// is replaced only when the call asks, only known extensions, a model folder only inside one
// that exists and never over files unasked, and never on /proc, /sys or /dev (any door).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke as dispatch } from '../../src/main/dispatch';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { fileDestination } from '../../src/main/core/export/destination';
import { value, writeSmallIdx } from '../service/processes';

let dir: string;
let svc: LatentLabService;
let runId: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-dest-'));
  const idx = writeSmallIdx(dir);
  svc = await openService({ dataDir: join(dir, 'data'), door: 'browser' });
  const imp = value(await dispatch(svc, 'datasets:import', { kind: 'idx', path: idx.images, labelsPath: idx.labels }));
  const datasetId = (await svc.waitForJob(imp.jobId)).datasetId!;
  const run = value(
    await dispatch(svc, 'runs:start', { datasetId, config: { model: 'vae', latent: 2, hidden: [8], epochs: 1, batch: 50 } }),
  );
  await svc.waitForJob(run.jobId);
  runId = run.runId;
});
afterAll(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('export destinations in browser mode', () => {
  it('refuses to replace a file unless asked, and an extension the export does not write', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'my notes');
    const txt = await dispatch(svc, 'export:metrics', { runId, path: notes });
    expect(!txt.ok && txt.error.code).toBe('bad-input');
    expect(!txt.ok && txt.error.message).toMatch(/notes\.txt: this export writes \.csv files only/);
    expect(readFileSync(notes, 'utf8')).toBe('my notes');

    const csv = join(dir, 'm.csv');
    writeFileSync(csv, 'mine');
    const again = await dispatch(svc, 'export:metrics', { runId, path: csv });
    expect(!again.ok && again.error.code).toBe('conflict');
    expect(readFileSync(csv, 'utf8')).toBe('mine');
    expect(value(await dispatch(svc, 'export:metrics', { runId, path: csv, overwrite: true })).path).toBe(csv);
    expect(value(await dispatch(svc, 'export:metrics', { runId, path: join(dir, 'plain') })).path).toBe(join(dir, 'plain.csv'));

    const png = join(dir, 'g.png');
    writeFileSync(png, 'mine');
    const grid = await dispatch(svc, 'export:grid', { spec: { kind: 'samples', runId, n: 4, seed: 1 }, path: png });
    expect(!grid.ok && grid.error.code).toBe('conflict');
  });

  it('makes a model folder only inside one that exists, and never over files unasked', async () => {
    const deep = await dispatch(svc, 'export:model', { runId, path: join(dir, 'no', 'such', 'tree') });
    expect(!deep.ok && deep.error.message).toMatch(/no[/\\]such does not exist; a model export makes one folder, not a tree/);
    const full = join(dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'model.json'), 'mine');
    const over = await dispatch(svc, 'export:model', { runId, path: full });
    expect(!over.ok && over.error.code).toBe('conflict');
    expect(readFileSync(join(full, 'model.json'), 'utf8')).toBe('mine');
    const fresh = value(await dispatch(svc, 'export:model', { runId, path: join(dir, 'fresh') })).files;
    expect(fresh).toEqual(expect.arrayContaining([join(dir, 'fresh', 'model.json'), join(dir, 'fresh', 'weights.bin')]));
  });

  it('refuses the pseudo-filesystems at every door', async () => {
    const r = await dispatch(svc, 'export:grid', { spec: { kind: 'samples', runId, n: 4, seed: 1 }, path: '/proc/self/x.png' });
    expect(!r.ok && r.error.message).toMatch(/\/proc\/self\/x\.png is on a system pseudo-filesystem/);
    expect(() => fileDestination('/dev/shm-not/x.csv', '.csv', { door: 'cli', overwrite: true })).toThrow(/pseudo-filesystem/);
    // the command line takes a path as typed, and replaces a file there only when asked (--force)
    expect(() => fileDestination(join(dir, 'notes.txt'), '.csv', { door: 'cli', overwrite: false }, false)).toThrow(/already exists/);
    expect(fileDestination(join(dir, 'notes.txt'), '.csv', { door: 'cli', overwrite: true }, false)).toBe(join(dir, 'notes.txt'));
  });
});
