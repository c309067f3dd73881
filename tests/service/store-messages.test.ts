// Messages that could cost data when wrong: a healthy database in a read-only data folder is
// said to be read-only (it was called "not a Latent Lab database... move it aside"), a model
// export into a folder this user cannot reach says so (it said the folder "does not exist"),
// and garbage in the middle of the database comes with what PRAGMA integrity_check found and
// how to recover (it was a bare "malformed"). Real CLI processes; the permission cases run as
// another user (`nobody`, through setpriv) when the tests run as root, which permissions do not stop.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke as dispatch } from '../../src/main/dispatch';
import { DB_FILE, openService } from '../../src/main/core/service';
import { value, writeSmallIdx } from './processes';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'latent-lab.mjs');
const CHILD = join(import.meta.dirname, 'fixtures', 'service-child.ts');
const asRoot = process.getuid?.() === 0;
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
const asNobody = ['--reuid=65534', '--regid=65534', '--clear-groups'];
/** the other user can read the project (a clone in a private folder, mktemp -d's 0700, it cannot) */
const nobodyReads =
  !asRoot ||
  !setpriv ||
  spawnSync(setpriv, [...asNobody, process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(BIN)})`]).status === 0;
if (!nobodyReads)
  console.warn(`permission probes not run: the user nobody cannot read ${BIN} (the project sits in a folder closed to other users)`);
/** permissions stop this process's children: another user's when root (setpriv), else our own */
const permissionsBite = (!asRoot || !!setpriv) && nobodyReads;

let top: string;
let data: string;

beforeAll(async () => {
  top = mkdtempSync(join(tmpdir(), 'll-store-msg-'));
  chmodSync(top, 0o755); // another user must reach the data folder
  data = join(top, 'data');
  const idx = writeSmallIdx(top);
  const svc = await openService({ dataDir: data, door: 'browser' });
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
afterAll(() => {
  if (!asRoot) for (const d of [data, join(top, 'closed')]) if (existsSync(d)) chmodSync(d, 0o755);
  rmSync(top, { recursive: true, force: true });
});

/** node with args, as another user when root; what it printed and its exit code */
function node(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const [cmd, argv] = asRoot && setpriv ? [setpriv, [...asNobody, process.execPath, ...args]] : [process.execPath, args];
  const proc = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((res) => proc.on('exit', (code) => res({ code, out })));
}

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('what the app says about its database and export folders', () => {
  it.runIf(permissionsBite)(
    'a read-only data folder: the database is said to be read-only, not foreign, and is left as it was',
    async () => {
      const ro = join(top, 'ro-data');
      cpSync(data, ro, { recursive: true });
      const db = join(ro, DB_FILE);
      const before = sha(db);
      chmodSync(ro, 0o555);
      chmodSync(db, 0o444);
      try {
        const r = await node([BIN, 'runs', '--data-dir', ro]);
        expect(r.code).not.toBe(0);
        expect(r.out).toContain(`cannot open ${db}: its folder ${ro} is read-only for this user`);
        expect(r.out).toContain('nothing says it is damaged');
        expect(r.out).not.toMatch(/not a Latent Lab database|move it aside/);
      } finally {
        chmodSync(ro, 0o755);
      }
      expect(sha(db)).toBe(before);
    },
  );

  it.runIf(permissionsBite)('a model export into a folder this user cannot reach says so, not that it does not exist', async () => {
    const closed = join(top, 'closed');
    mkdirSync(join(closed, 'inside'), { recursive: true });
    chmodSync(join(closed, 'inside'), 0o777);
    chmodSync(closed, 0o444); // readable, not searchable: nothing in it can be reached
    const own = join(top, 'own-data');
    cpSync(data, own, { recursive: true });
    // the other user trains nothing here, but opens the database for writing
    if (asRoot) execFileSync('chmod', ['-R', 'a+rwX', own]);
    const target = join(closed, 'inside', 'model');
    const r = await node(['--import', 'tsx', CHILD, own, 'export:model', JSON.stringify({ runId: 1, path: target })], {
      LATENT_LAB_CHILD_DOOR: 'browser',
    });
    expect(r.out).toContain(`cannot write ${target}: permission denied (this user cannot write in ${join(closed, 'inside')} or reach it)`);
    expect(r.out).not.toContain('does not exist');
  });

  it('garbage in the middle of the database: what the integrity check found and how to recover', async () => {
    const bad = join(top, 'bad-data');
    cpSync(data, bad, { recursive: true });
    const db = join(bad, DB_FILE);
    const bytes = readFileSync(db);
    // 8 KiB of a fixed pattern over the middle pages (page 1, the header, stays whole)
    const at = Math.floor(bytes.length / 2 / 4096) * 4096;
    bytes.fill(0xa5, at, at + 8192);
    writeFileSync(db, bytes);
    const before = sha(db);
    const proc = spawn(process.execPath, [BIN, 'runs', '--data-dir', bad], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise((res) => proc.on('exit', res));
    expect(code).not.toBe(0);
    expect(out).toContain(`${db} is damaged (SQLite: database disk image is malformed)`);
    expect(out).toMatch(/PRAGMA integrity_check (found|could not finish)/);
    expect(out).toContain('.recover');
    expect(sha(db)).toBe(before);
  });
});
