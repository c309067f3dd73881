// The server-side folder listing behind browser mode's folder browser: home by default, hidden
// entries hidden, folders first, autocomplete by prefix, bounded, cancellable, and never a
// pseudo filesystem.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browseFolder, splitTyped } from '../../src/main/core/data/browse.js';
import { invoke as dispatch } from '../../src/main/dispatch';
import { withService } from './service-fixture';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'll-browse-'));
  for (const d of ['Pictures', 'pets', 'photos10', 'photos9', '.cache']) await mkdir(join(root, d));
  await writeFile(join(root, 'a.png'), 'x');
  await writeFile(join(root, 'notes.txt'), 'x');
  await writeFile(join(root, '.hidden.png'), 'x');
  await symlink(join(root, 'pets'), join(root, 'pets-link'));
  await mkdir(join(root, 'many'));
  await Promise.all(Array.from({ length: 30 }, (_, i) => mkdir(join(root, 'many', `d${i}`))));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('browseFolder', () => {
  it('starts at the home folder', async () => {
    const r = await browseFolder(undefined);
    expect(r.path).toBe(homedir());
    expect(r.home).toBe(homedir());
  });

  it('lists folders first in natural order, then files, hidden ones hidden, links followed', async () => {
    const r = await browseFolder(root);
    expect(r.entries).toEqual([
      { name: 'many', dir: true },
      { name: 'pets', dir: true },
      { name: 'pets-link', dir: true },
      { name: 'photos9', dir: true },
      { name: 'photos10', dir: true },
      { name: 'Pictures', dir: true },
      { name: 'a.png', dir: false },
      { name: 'notes.txt', dir: false },
    ]);
    expect(r.images).toBe(1);
    expect(r.parent).toBe(tmpdir());
    expect(r.truncated).toBe(false);
  });

  it('completes a typed path by the start of its last name, case-insensitively', async () => {
    expect(splitTyped(join(root, 'ph'))).toEqual({ path: root, prefix: 'ph' });
    expect(splitTyped(`${root}/`)).toEqual({ path: `${root}/`, prefix: '' });
    const r = await browseFolder(root, 'p');
    expect(r.entries.map((e) => e.name)).toEqual(['pets', 'pets-link', 'photos9', 'photos10', 'Pictures']);
    expect((await browseFolder(root, '.c')).entries).toEqual([{ name: '.cache', dir: true }]);
  });

  it('is bounded and cancellable', async () => {
    const r = await browseFolder(join(root, 'many'), '', { limit: 10 });
    expect(r.entries).toHaveLength(10);
    expect(r.truncated).toBe(true);
    const ac = new AbortController();
    ac.abort();
    await expect(browseFolder(join(root, 'many'), '', { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it.skipIf(process.platform !== 'linux')('never lists /proc or /sys, nor shows them in /', async () => {
    await expect(browseFolder('/proc')).rejects.toThrow('/proc is a system folder');
    await expect(browseFolder('/proc/self')).rejects.toThrow('is a system folder');
    await expect(browseFolder('/sys/kernel')).rejects.toThrow('is a system folder');
    const top = await browseFolder('/');
    expect(top.parent).toBeNull();
    const names = top.entries.map((e) => e.name);
    expect(names).not.toContain('proc');
    expect(names).not.toContain('sys');
    expect(names).not.toContain('dev');
    expect(names).toContain('tmp');
  });

  it('names the folder that does not exist or is a file', async () => {
    await expect(browseFolder(join(root, 'nope'))).rejects.toThrow(`${join(root, 'nope')}: no such folder`);
    await expect(browseFolder(join(root, 'a.png'))).rejects.toThrow(`${join(root, 'a.png')} is not a folder`);
  });
});

describe('datasets:browse through the door', () => {
  const svc = withService('ll-browse-svc-');

  it('answers a listing and refuses a bad path in words', async () => {
    expect(await dispatch(svc(), 'datasets:browse', { path: root, prefix: 'Pic' })).toMatchObject({
      ok: true,
      value: { path: root, entries: [{ name: 'Pictures', dir: true }] },
    });
    expect(await dispatch(svc(), 'datasets:browse', { path: join(root, 'nope') })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: `${join(root, 'nope')}: no such folder` },
    });
  });
});
