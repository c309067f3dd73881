// datasets:probe is bounded and cancellable: it never walks /proc, /sys, /dev or
// another pseudo filesystem (nor a link into one), it stops at a bound of files or time and
// says so, and jobs:cancel stops it.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke as dispatch } from '../../src/main/dispatch';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { probeFolder } from '../../src/main/core/data/folder';

let dir: string;
let svc: LatentLabService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-probe-'));
  mkdirSync(join(dir, 'many'));
  for (let i = 0; i < 3000; i++) writeFileSync(join(dir, 'many', `f${i}`), 'not an image');
  mkdirSync(join(dir, 'linked'));
  writeFileSync(join(dir, 'linked', 'a.txt'), 'x');
  symlinkSync('/proc', join(dir, 'linked', 'proc'));
  svc = await openService({ dataDir: join(dir, 'data'), door: 'browser' });
});
afterAll(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('datasets:probe', () => {
  it.each(['/proc', '/sys', '/dev', '/proc/self'])('refuses %s as a system folder, at once', async (path) => {
    const r = await dispatch(svc, 'datasets:probe', { path });
    expect(!r.ok && r.error.code).toBe('bad-input');
    expect(!r.ok && r.error.message).toMatch(/is a system folder/);
  });

  it('does not follow a link into /proc', async () => {
    const t0 = Date.now();
    const r = await dispatch(svc, 'datasets:probe', { path: join(dir, 'linked') });
    expect(r.ok && r.value.files).toBe(1);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('stops at its bound of files or time and says so', async () => {
    const far = Date.now() + 60_000;
    const some = await probeFolder(join(dir, 'many'), 50, undefined, undefined, { maxFiles: 100, deadline: far });
    expect(some.files).toBe(100);
    expect(some.truncated).toBe(true);
    const none = await probeFolder(join(dir, 'many'), 50, undefined, undefined, { maxFiles: 1e6, deadline: Date.now() - 1 });
    expect(none).toMatchObject({ files: 0, truncated: true });
    const all = await probeFolder(join(dir, 'many'), 50, undefined, undefined, { maxFiles: 1e6, deadline: far });
    expect(all.files).toBe(3000);
    expect(all.truncated).toBeUndefined();
  });

  it('is a job that jobs:cancel stops', async () => {
    const call = dispatch(svc, 'datasets:probe', { path: join(dir, 'many') });
    let job;
    while (!(job = (await svc['jobs:list']({})).find((j) => j.kind === 'probe'))) await new Promise((r) => setImmediate(r));
    expect(job.title).toBe(`Looking at ${join(dir, 'many')}`);
    expect(await svc['jobs:cancel']({ jobId: job.jobId })).toEqual({ cancelled: true });
    const r = await call;
    expect(!r.ok && r.error.code).toBe('cancelled');
    expect((await svc['jobs:list']({})).length).toBe(0);
  });
});
