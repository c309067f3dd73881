// One rule for every file the command line writes: nothing at --out is replaced without --force,
// a link there included (its target is never written through), and --out naming a folder puts
// the file inside it under the export's own name (the metrics CSV went beside the folder).
// The CLI on a real data folder.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke as dispatch } from '../../src/main/dispatch';
import { openService } from '../../src/main/core/service';
import { value, writeSmallIdx } from '../service/processes';
import { cliIn } from './harness';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

let dir: string;
let out: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-overwrite-'));
  out = join(dir, 'out');
  mkdirSync(out);
  const idx = writeSmallIdx(dir);
  const svc = await openService({ dataDir: join(dir, 'data'), door: 'cli' });
  try {
    const imp = value(await dispatch(svc, 'datasets:import', { kind: 'idx', path: idx.images, labelsPath: idx.labels }));
    const datasetId = (await svc.waitForJob(imp.jobId)).datasetId!;
    const run = value(
      await dispatch(svc, 'runs:start', {
        datasetId,
        backend: 'wasm',
        config: { model: 'vae', latent: 2, hidden: [8], epochs: 1, batch: 50 },
      }),
    );
    await svc.waitForJob(run.jobId);
  } finally {
    await svc.close();
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliIn(() => join(dir, 'data'));

describe('files the command line writes', () => {
  it(
    'samples: an existing file or a link at --out is kept without --force; with it the link itself is replaced',
    { timeout: 60_000 },
    async () => {
      const file = join(out, 'mine.png');
      writeFileSync(file, 'my picture');
      const target = join(dir, 'precious.png');
      writeFileSync(target, 'precious');
      const link = join(out, 'link.png');
      symlinkSync(target, link);
      const dangling = join(out, 'dangling.png');
      symlinkSync(join(dir, 'nowhere.png'), dangling);

      for (const p of [file, link, dangling]) {
        const r = await cli('samples', '--run', 'last', '--out', p);
        expect(r.code, p).not.toBe(0);
        expect(r.err).toContain(`${p} already exists; choose another name, or overwrite it (--force on the command line)`);
      }
      expect(readFileSync(file, 'utf8')).toBe('my picture');
      expect(readFileSync(target, 'utf8')).toBe('precious');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);

      const forced = await cli('samples', '--run', 'last', '--out', link, '--force');
      expect(forced.code, forced.err).toBe(0);
      expect(lstatSync(link).isSymbolicLink()).toBe(false);
      expect(readFileSync(link).subarray(0, 4).equals(PNG_SIGNATURE)).toBe(true);
      expect(readFileSync(target, 'utf8')).toBe('precious');
    },
  );

  it('export-metrics and export-model keep what is there without --force, and replace it with it', { timeout: 60_000 }, async () => {
    const csv = join(out, 'metrics.csv');
    writeFileSync(csv, 'my numbers');
    const r = await cli('export-metrics', '--run', 'last', '--out', csv);
    expect(r.err).toContain(`${csv} already exists`);
    expect(readFileSync(csv, 'utf8')).toBe('my numbers');
    expect((await cli('export-metrics', '--run', 'last', '--out', csv, '--force')).code).toBe(0);
    expect(readFileSync(csv, 'utf8')).toMatch(/^kind,|epoch/);

    const model = join(out, 'model');
    mkdirSync(model);
    writeFileSync(join(model, 'model.json'), 'my model');
    const m = await cli('export-model', '--run', 'last', '--out', model);
    expect(m.err).toContain(`${join(model, 'model.json')} already exists`);
    expect(readFileSync(join(model, 'model.json'), 'utf8')).toBe('my model');
    expect((await cli('export-model', '--run', 'last', '--out', model, '--force')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'))).toMatchObject({ format: 'latent-lab-vae' });
  });

  it('--out naming a folder writes into it, never beside it', { timeout: 60_000 }, async () => {
    const folder = join(dir, 'reports');
    mkdirSync(folder);
    const r = await cli('export-metrics', '--run', 'last', '--out', folder);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(folder)).toEqual(['run-1-metrics.csv']);
    expect(existsSync(`${folder}.csv`)).toBe(false);
    const g = await cli('samples', '--run', 'last', '--out', folder);
    expect(g.code, g.err).toBe(0);
    expect(readdirSync(folder).sort()).toEqual(['run-1-metrics.csv', 'samples.png']);
    const b = await cli('export-run', '--run', 'last', '--out', folder);
    expect(b.code, b.err).toBe(0);
    expect(readdirSync(folder).sort()).toEqual(['run-1-metrics.csv', 'run-1.llrun', 'samples.png']);
    expect(existsSync(`${folder}.llrun`)).toBe(false);
    // browser mode alike: a folder's path gets the file inside it (it wrote reports.csv beside it)
    const svc = await openService({ dataDir: join(dir, 'data'), door: 'browser' });
    try {
      const into = join(dir, 'from-browser');
      mkdirSync(into);
      expect(value(await dispatch(svc, 'export:metrics', { runId: 1, path: into })).path).toBe(join(into, 'run-1-metrics.csv'));
      expect(existsSync(`${into}.csv`)).toBe(false);
    } finally {
      await svc.close();
    }
  });
});
