// scripts/ensure-electron-abi.mjs on a throw-away copy of the project layout (the real
// better-sqlite3 Node build, copied): it recognises the Node build, puts it back instantly
// after another build replaced it, and explains itself when Electron's binary is missing.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const realNative = join(repo, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');

describe('ensure-electron-abi', () => {
  let dir: string;
  let native: string;
  let marker: string;
  const run = (which: string): { status: number | null; out: string; ms: number } => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(dir, 'scripts/ensure-electron-abi.mjs'), which], {
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    });
    return { status: r.status, out: r.stdout + r.stderr, ms: performance.now() - t0 };
  };
  const loadsInNode = (): boolean =>
    spawnSync(process.execPath, ['-e', `process.dlopen({ exports: {} }, ${JSON.stringify(native)})`]).status === 0;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latent-lab-abi-'));
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(repo, 'scripts/ensure-electron-abi.mjs'), join(dir, 'scripts/ensure-electron-abi.mjs'));
    mkdirSync(join(dir, 'node_modules/better-sqlite3/build/Release'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/better-sqlite3/package.json'), '{"name":"better-sqlite3","version":"0.0.0-test"}');
    native = join(dir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    marker = `${native}.abi.json`;
    // The real Node build, loaded from the repo by this very test process: it is a Node build.
    copyFileSync(realNative, native);
    // An electron package without its binary, as after `npm install` with downloads skipped.
    mkdirSync(join(dir, 'node_modules/electron'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/electron/package.json'), '{"name":"electron","version":"39.8.10"}');
    writeFileSync(join(dir, 'node_modules/electron/abi_version'), '140');
    writeFileSync(join(dir, 'node_modules/electron/install.js'), 'console.error("getaddrinfo ENOTFOUND github.com"); process.exit(1);');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('recognises the Node build, records it, and is fast when nothing needs doing', () => {
    const first = run('node');
    expect(first.status, first.out).toBe(0);
    const m = JSON.parse(readFileSync(marker, 'utf8'));
    expect(m).toMatchObject({ runtime: 'node', abi: process.versions.modules, size: statSync(native).size });
    const again = run('node');
    expect(again.status).toBe(0);
    expect(again.out).toBe('');
    expect(again.ms).toBeLessThan(1000);
  });

  it('puts the Node build back after another build replaced it', () => {
    // What `npm start` leaves: a module Node cannot load, recorded as Electron's.
    writeFileSync(native, Buffer.from('not an ELF file, as far as Node is concerned'));
    const s = statSync(native);
    writeFileSync(
      marker,
      JSON.stringify({ runtime: 'electron', abi: '140', version: '39.8.10', size: s.size, mtimeMs: Math.round(s.mtimeMs) }),
    );
    expect(loadsInNode()).toBe(false);
    const r = run('node');
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/switched better-sqlite3 to the node build/);
    expect(r.ms).toBeLessThan(2000);
    expect(loadsInNode()).toBe(true);
    expect(JSON.parse(readFileSync(marker, 'utf8')).runtime).toBe('node');
  });

  it('notices a rebuild it did not make (no valid marker) and still restores', () => {
    // electron-builder rebuilds in place: new file, old marker.
    writeFileSync(native, Buffer.from('rebuilt by someone else, for another runtime'));
    const r = run('node');
    expect(r.status, r.out).toBe(0);
    expect(loadsInNode()).toBe(true);
  });

  it('explains what to do when the Electron binary is missing, and leaves the Node build alone', () => {
    const before = readFileSync(native);
    const r = run('electron');
    expect(r.status).toBe(1);
    expect(r.out).toContain('could not download the Electron 39.8.10 binary');
    expect(r.out).toContain('node node_modules/electron/install.js');
    expect(r.out).toContain('npm run serve');
    expect(readFileSync(native).equals(before)).toBe(true);
    expect(loadsInNode()).toBe(true);
  });

  it('refuses a wrong argument', () => {
    const r = run('python');
    expect(r.status).toBe(1);
    expect(r.out).toContain('usage:');
  });
});
