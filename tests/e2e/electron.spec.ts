// The desktop app itself, driven by Playwright's _electron: the main flow of the browser e2e
// (a fresh data folder, add MNIST, see the dataset, open Explore), plus what only the Electron
// door has: the security settings, window.api from the preload, the start-up error page.
// Runs where an Electron binary exists; skipped with the reason everywhere else.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const electronDir = join(root, 'node_modules/electron');

function electronBinary(): string | null {
  try {
    const bin = join(electronDir, 'dist', readFileSync(join(electronDir, 'path.txt'), 'utf8').trim());
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const bin = electronBinary();
const skipReason = !bin
  ? 'no Electron binary: node_modules/electron/dist missing; run node node_modules/electron/install.js where the internet is reachable'
  : process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']
    ? 'no display: run the e2e tests under xvfb-run (Electron needs an X server)'
    : null;
if (skipReason) console.warn(`[electron e2e] skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)(`Electron app${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const dirs: string[] = [];
  let app: ElectronApplication | null = null;
  let newerDbDir = '';

  beforeAll(async () => {
    // Made while better-sqlite3 is still the Node build (this process cannot load Electron's).
    newerDbDir = freshDir();
    const { default: Database } = await import('better-sqlite3');
    const { DB_FILE } = await import('../../src/main/core/service');
    const db = new Database(join(newerDbDir, DB_FILE));
    db.pragma('user_version = 9999');
    db.close();
    // The main process needs better-sqlite3 built for Electron, and the built app in out/.
    // Note: this swaps the one build/Release/better_sqlite3.node; the afterAll swaps it back.
    const abi = spawnSync(process.execPath, [join(root, 'scripts/ensure-electron-abi.mjs'), 'electron'], { cwd: root, stdio: 'inherit' });
    if (abi.status !== 0) throw new Error('scripts/ensure-electron-abi.mjs electron failed (see above)');
    if (!existsSync(join(root, 'out/main/index.js'))) {
      const b = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
        cwd: root,
        stdio: 'inherit',
      });
      if (b.status !== 0) throw new Error('electron-vite build failed (see above)');
    }
  });

  afterEach(async () => {
    await app?.close().catch(() => undefined);
    app = null;
  });

  afterAll(() => {
    // Put the Node build of better-sqlite3 back for the rest of the test run.
    spawnSync(process.execPath, [join(root, 'scripts/ensure-electron-abi.mjs'), 'node'], { cwd: root, stdio: 'inherit' });
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function launch(dataDir: string): Promise<{ app: ElectronApplication; page: Page }> {
    const args = ['.', `--data-dir=${dataDir}`];
    // Chromium refuses to run as root with its sandbox (CI containers).
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    app = await electron.launch({ executablePath: bin!, args, cwd: root, timeout: 60_000 });
    const page = await app.firstWindow();
    return { app, page };
  }

  function freshDir(): string {
    const d = mkdtempSync(join(tmpdir(), 'latent-lab-electron-'));
    dirs.push(d);
    return d;
  }

  it('adds MNIST, shows the dataset, opens Explore', async () => {
    const { app: a, page } = await launch(freshDir());

    // The window shows our renderer from app://, with no Node in the page.
    expect(await a.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.getURL())).toBe(
      'app://latent-lab/index.html',
    );
    expect(
      await page.evaluate(() => ({
        door: (window as unknown as { api: { door: string } }).api.door,
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
      })),
    ).toEqual({
      door: 'electron',
      require: 'undefined',
      process: 'undefined',
    });
    // No second windows, whatever the page asks for.
    expect(await page.evaluate(() => window.open('file:///etc/passwd') === null)).toBe(true);
    expect(await a.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);

    await page.getByTestId('empty-mnist').click();
    await expect.poll(async () => page.getByTestId('dataset-page').isVisible(), { timeout: 120_000 }).toBe(true);
    await expect.poll(async () => page.getByTestId('dataset-labels').textContent(), { timeout: 30_000 }).toContain('10 labels');
    expect(await page.getByTestId('dataset-count').textContent()).toMatch(/\d[\d,]* images/);

    await page.getByTestId('tab-explore').click();
    await expect.poll(async () => page.getByTestId('view-explore').isVisible()).toBe(true);
    await page.screenshot({ path: join(root, 'tests/e2e/screenshots/electron-explore.png') });
  });

  it('remembers the window size between launches', async () => {
    const dir = freshDir();
    const first = await launch(dir);
    await first.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.setBounds({ x: 40, y: 40, width: 900, height: 640 }));
    await first.app.close();
    app = null;
    const stateFile = join(dir, 'electron-profile', 'window-state.json');
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ width: 900, height: 640 });
    const second = await launch(dir);
    const size = await second.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getBounds());
    expect({ width: size.width, height: size.height }).toEqual({ width: 900, height: 640 });
  });

  it('shows a page, not a blank window, when the database is from a newer version', async () => {
    const { page } = await launch(newerDbDir);
    await expect.poll(async () => (await page.textContent('body')) ?? '', { timeout: 30_000 }).toContain('could not start');
    expect(await page.textContent('body')).toMatch(/newer version/);
    await page.screenshot({ path: join(root, 'tests/e2e/screenshots/electron-startup-error.png') });
  });
});
