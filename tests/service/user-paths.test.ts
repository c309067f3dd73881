// A typed path means the same everywhere behind the app's doors: `~` and a relative path are
// the home folder's (what the folder browser lists), never the server's working folder; the
// command line keeps the shell's meaning (relative to where it runs).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileDestination, folderDestination } from '../../src/main/core/export/destination';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { userPath } from '../../src/main/core/user-path';

let home = '';
let dataDir = '';
let svc: LatentLabService;
const savedHome = process.env.HOME;

beforeAll(async () => {
  // a home folder of our own (this test file runs in its own process: the forks pool)
  home = mkdtempSync(join(tmpdir(), 'll-home-'));
  process.env.HOME = home;
  mkdirSync(join(home, 'imgs', 'a'), { recursive: true });
  for (let i = 0; i < 3; i++)
    await sharp(Buffer.alloc(16 * 16, 40 * i), { raw: { width: 16, height: 16, channels: 1 } })
      .png()
      .toFile(join(home, 'imgs', 'a', `${i}.png`));
  dataDir = mkdtempSync(join(tmpdir(), 'll-user-paths-'));
  svc = await openService({ dataDir, door: 'browser' });
});

afterAll(async () => {
  await svc?.close();
  process.env.HOME = savedHome;
  for (const d of [home, dataDir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('typed paths', () => {
  it('probe and import take `~/imgs` and `imgs` from the home folder in browser mode', async () => {
    for (const path of ['~/imgs', 'imgs']) {
      const p = await svc['datasets:probe']({ path });
      expect(p.path, path).toBe(join(home, 'imgs'));
      expect(p.imageFiles, path).toBe(3);
    }
    const job = await svc['datasets:import']({
      kind: 'folder',
      path: 'imgs',
      side: 16,
      color: 'gray',
      resize: 'fit',
      testShare: 0.34,
      seed: 1,
    });
    const done = await svc.waitForJob(job.jobId);
    expect(done.status, done.message).toBe('done');
  });

  it('exports go to the home folder for a relative name behind the doors, to the working folder on the command line', () => {
    expect(fileDestination('grid', '.png', { door: 'browser', overwrite: false })).toBe(join(home, 'grid.png'));
    expect(fileDestination('~/grid.png', '.png', { door: 'electron', overwrite: false })).toBe(join(home, 'grid.png'));
    expect(folderDestination('model', { door: 'browser', overwrite: false })).toBe(join(home, 'model'));
    expect(fileDestination('grid.png', '.png', { door: 'cli', overwrite: false })).toBe(resolve('grid.png'));
    expect(userPath('~', 'cli')).toBe(home);
    expect(userPath('/abs/../x', 'browser')).toBe('/x');
  });
});
