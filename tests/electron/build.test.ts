// The electron-vite build, checked as far as a machine without Electron can: it writes the
// four entry files; the main bundle imports only what a packaged app has (node builtins,
// electron, its own chunks, `dependencies`); the preload runs with nothing but `electron`
// (as a sandboxed preload does) and exposes only window.api; and the bundled training worker
// really trains when handed to the service as workerEntry.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames } from '../../src/shared/contract';
import { menuEvent } from '../../src/shared/menu';
import { openService } from '../../src/main/core/service';
import { setWorkerEntry } from '../../src/main/core/workers/run';

const root = resolve(import.meta.dirname, '../..');
// Inside the project so the bundles resolve node_modules as out/ does.
const work = join(root, 'tests/.tmp', `electron-build-${process.pid}`);
const out = join(work, 'out');

beforeAll(() => {
  mkdirSync(work, { recursive: true });
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', out, '--logLevel', 'warn'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`);
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Bare specifiers a bundle imports or requires (relative paths left out). */
function bareImports(code: string): string[] {
  const found = new Set<string>();
  for (const re of [
    /\bfrom\s+["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
    /^import\s+["']([^"']+)["']/gm,
  ]) {
    for (const m of code.matchAll(re)) if (!m[1]!.startsWith('.')) found.add(m[1]!);
  }
  return [...found];
}

const packageName = (spec: string): string => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

describe('electron-vite build', () => {
  it('gives the Electron main and its worker no path to Dawn (dawn.node cannot run in Electron), and builds the trainer page', () => {
    const files = readdirSync(join(out, 'main'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    const dawn = files.flatMap((f) =>
      bareImports(readFileSync(join(out, 'main', f), 'utf8'))
        .filter((spec) => spec === 'webgpu' || spec.startsWith('webgpu/') || spec === '@tensorflow/tfjs-backend-webgpu')
        .map((spec) => `${f} imports ${spec}`),
    );
    expect(dawn).toEqual([]);
    expect(files.some((f) => readFileSync(join(out, 'main', f), 'utf8').includes('cannot run inside Electron'))).toBe(true);
    expect(existsSync(join(out, 'renderer/trainer.html'))).toBe(true);
  });

  it('writes main, the training worker, a CommonJS preload and the renderer', () => {
    for (const f of ['main/index.js', 'main/train-worker.js', 'preload/index.cjs', 'renderer/index.html']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const html = readFileSync(join(out, 'renderer/index.html'), 'utf8');
    // script-src 'self': every script must be a file, none inline
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc=/);
    for (const src of html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g))
      expect(existsSync(join(out, 'renderer', src[1]!)), src[1]).toBe(true);
  });

  it('leaves only packaged dependencies external in main and the worker', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    const allowed = new Set(['electron', ...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})]);
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const files = ['main/index.js', 'main/train-worker.js', ...readdirChunks()];
    for (const f of files) {
      const code = readFileSync(join(out, f), 'utf8');
      for (const spec of bareImports(code)) {
        if (builtins.has(spec) || builtins.has(spec.split('/')[0]!)) continue;
        expect(allowed.has(packageName(spec)), `${f} imports "${spec}", which is not in package.json dependencies`).toBe(true);
      }
    }
    // The worker must not pull Electron in: worker threads have no electron module.
    expect(bareImports(readFileSync(join(out, 'main/train-worker.js'), 'utf8'))).not.toContain('electron');
  });

  it('builds a preload that needs only electron and exposes only window.api', async () => {
    const code = readFileSync(join(out, 'preload/index.cjs'), 'utf8');
    expect(code).not.toMatch(/\bzod\b/);
    // A stand-in for what a sandboxed preload gets: `require('electron')` and nothing else.
    const required: string[] = [];
    const exposed = new Map<string, Record<string, unknown>>();
    const invoked: [string, unknown][] = [];
    const listeners = new Map<string, Set<(e: unknown, p: unknown) => void>>();
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, value: Record<string, unknown>) => exposed.set(key, value) },
      ipcRenderer: {
        invoke: async (channel: string, args: unknown) => (invoked.push([channel, args]), { ok: true, value: channel }),
        on: (channel: string, fn: (e: unknown, p: unknown) => void) => {
          if (!listeners.has(channel)) listeners.set(channel, new Set());
          listeners.get(channel)!.add(fn);
        },
        removeListener: (channel: string, fn: (e: unknown, p: unknown) => void) => listeners.get(channel)?.delete(fn),
      },
      webUtils: {
        getPathForFile: (f: unknown) => {
          if (!f || typeof f !== 'object' || !('fake' in f)) throw new TypeError('not a File');
          return (f as { fake: string }).fake;
        },
      },
    };
    const sandboxRequire = (name: string): unknown => {
      required.push(name);
      if (name === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require "${name}"`);
    };
    const module = { exports: {} };
    runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console });

    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['api']);
    const api = exposed.get('api')!;
    expect(Object.keys(api).sort()).toEqual([...methodNames, 'door', 'on', 'pathForFile'].sort());
    expect(api['door']).toBe('electron');

    expect(await (api['runs:get'] as (a: unknown) => Promise<unknown>)({ runId: 3 })).toEqual({ ok: true, value: 'runs:get' });
    expect(invoked).toEqual([['runs:get', { runId: 3 }]]);

    const on = api['on'] as (e: string, l: (p: unknown) => void) => () => void;
    const got: unknown[] = [];
    const off = on('job:progress', (p) => got.push(p));
    const offMenu = on(menuEvent, (p) => got.push(p));
    const fire = (ch: string, p: unknown): void => listeners.get(ch)?.forEach((fn) => fn({ sender: 'ipcRenderer itself' }, p));
    fire('job:progress', { done: 1 });
    fire(menuEvent, { command: 'export-grid' });
    expect(got).toEqual([{ done: 1 }, { command: 'export-grid' }]); // the payload only, never the event
    off();
    offMenu();
    fire('job:progress', { done: 2 });
    expect(got).toHaveLength(2);
    expect(() => on('ELECTRON_BROWSER_WINDOW_ALERT', () => undefined)).toThrow(/unknown event/);

    const pathForFile = api['pathForFile'] as (f: unknown) => string | null;
    expect(pathForFile({ fake: '/home/me/faces' })).toBe('/home/me/faces');
    expect(pathForFile({ fake: '' })).toBeNull();
    expect(pathForFile('nope')).toBeNull();
  });

  it('main process: a locked-down window, the contract bound with sender checks, app:// with its CSP', () => {
    const dataDir = join(work, 'smoke-data');
    const rep = runMain([`--data-dir=${dataDir}`], 'smoke');
    expect(rep['driveError']).toBeUndefined();
    expect(rep['quitClean']).toBe(true);
    expect(rep['userData']).toBe(join(dataDir, 'electron-profile'));

    const win = rep['windows'][0];
    expect(rep['windows']).toHaveLength(1);
    expect(win.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(win.webPreferences.preload).toBe(join(out, 'preload/index.cjs'));
    expect(existsSync(win.webPreferences.preload)).toBe(true);
    expect(rep['loads']).toEqual(['app://latent-lab/index.html']);
    expect(rep['schemes']).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

    expect([...rep['channels']].sort()).toEqual([...methodNames].sort());
    expect(rep['calls'].info).toMatchObject({ ok: true, value: { door: 'electron', dataDir } });
    expect(rep['calls'].badArgs).toMatchObject({ ok: false, error: { code: 'bad-args' } });
    for (const k of ['foreignFrame', 'subFrame', 'noWindow'])
      expect(rep['calls'][k], k).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(rep['calls'].dialog).toEqual({ ok: true, value: { path: null } });

    expect(rep['navigation']).toEqual({ foreign: true, file: true, ours: false });
    expect(rep['windowOpen']).toEqual({ https: { action: 'deny' }, file: { action: 'deny' } });
    expect(rep['external']).toEqual(['https://example.com/']);
    expect(rep['permission']).toBe(false);
    expect(rep['permissionCheck']).toBe(false);

    expect(rep['protocol'].status).toBe(200);
    expect(rep['protocol'].csp).toContain("default-src 'none'");
    expect(rep['protocol'].body).toMatch(/<!doctype html>/i);
    expect(rep['protocolEscape']).not.toBe(200);
    expect(rep['menuLabels']).toEqual(
      expect.arrayContaining(['Import Image Folder…', 'Import IDX Files…', 'Export Grid as PNG…', 'quit', 'toggleDevTools']),
    );

    // the window's size, saved on close, atomically, in the profile folder
    const state = JSON.parse(readFileSync(join(dataDir, 'electron-profile', 'window-state.json'), 'utf8'));
    expect(state).toEqual({ x: 12, y: 34, width: 1280, height: 820, maximized: false });
  });

  it('main process: a database from a newer version gets the error page, not a blank window', async () => {
    const dataDir = join(work, 'smoke-newer');
    mkdirSync(dataDir, { recursive: true });
    const { default: Database } = await import('better-sqlite3');
    const { DB_FILE } = await import('../../src/main/core/service');
    const db = new Database(join(dataDir, DB_FILE));
    db.pragma('user_version = 9999');
    db.close();
    const rep = runMain(['--data-dir', dataDir], 'smoke-newer');
    expect(rep['quitClean']).toBe(true);
    expect(rep['loads'][0]).toBe('app://latent-lab/index.html');
    const page = rep['loads'][1] as string;
    expect(page).toMatch(/^data:text\/html/);
    expect(page).toContain('Latent Lab could not start');
    expect(page).toContain('newer version');
    expect(page).toContain(dataDir);
    expect(rep['calls'].info).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  });

  it('trains and draws grids with the bundled worker as workerEntry (and fails without a real one)', async () => {
    // A tiny two-class folder: bright squares and dark squares, 16x16.
    const images = join(work, 'images');
    for (const [label, level] of [
      ['bright', 220],
      ['dark', 30],
    ] as const) {
      mkdirSync(join(images, label), { recursive: true });
      for (let i = 0; i < 24; i++) {
        const px = Buffer.alloc(16 * 16, level);
        px.fill(128, 0, (i % 8) * 16); // a band that varies, so images differ
        await sharp(px, { raw: { width: 16, height: 16, channels: 1 } })
          .png()
          .toFile(join(images, label, `${i}.png`));
      }
    }
    const train = async (workerEntry: string): Promise<{ status: string; message: string }> => {
      // as the Electron door does: every worker thread starts from the bundled entry
      setWorkerEntry(workerEntry);
      const svc = await openService({
        dataDir: join(work, `data-${Math.random().toString(36).slice(2)}`),
        door: 'electron',
        backend: 'cpu',
      });
      try {
        const imp = await svc['datasets:import']({
          kind: 'folder',
          path: images,
          color: 'gray',
          side: 16,
          resize: 'fit',
          testShare: 0.25,
          seed: 1,
        });
        const done = await svc.waitForJob(imp.jobId);
        expect(done.status, done.message).toBe('done');
        const { jobId, runId } = await svc['runs:start']({
          datasetId: done.datasetId!,
          config: {
            model: 'vae',
            family: 'mlp',
            latent: 2,
            hidden: [16],
            likelihood: 'bernoulli',
            beta: 1,
            epochs: 1,
            batch: 12,
            lr: 1e-3,
            seed: 1,
          },
          backend: 'cpu',
        });
        const f = await svc.waitForJob(jobId);
        if (f.status !== 'done') return { status: f.status, message: f.message };
        // the grid thread runs from the same bundled entry (role 'grids')
        const g = await svc['explore:grid']({
          kind: 'sweep',
          runId,
          dims: [0, 1],
          grid: 4,
          range: [-2, 2],
          spacing: 'linear',
          base: { kind: 'zero' },
        });
        expect(g.n).toBe(16);
        return { status: f.status, message: f.message };
      } finally {
        await svc.close();
        setWorkerEntry(undefined);
      }
    };
    const good = await train(join(out, 'main/train-worker.js'));
    expect(good.status, good.message).toBe('done');
    const bad = await train(join(out, 'main/no-such-worker.js'));
    expect(bad.status).toBe('failed');
  });
});

/** Runs the built main process in Node with Electron replaced by tests/electron/electron-stub. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON report, read field by field
type SmokeReport = Record<string, any>;

function runMain(args: string[], name: string): SmokeReport {
  const smokeDir = join(work, name);
  mkdirSync(smokeDir, { recursive: true });
  // no ELECTRON_RENDERER_URL: the built renderer, not a dev server
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'ELECTRON_RENDERER_URL')), SMOKE_DIR: smokeDir };
  const r = spawnSync(
    process.execPath,
    ['--import', join(root, 'tests/electron/electron-stub/register.mjs'), join(out, 'main/index.js'), ...args],
    {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  const line = r.stdout.split('\n').find((l) => l.startsWith('SMOKE-REPORT '));
  if (!line) throw new Error(`the main process printed no report (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line.slice('SMOKE-REPORT '.length)) as SmokeReport;
}

function readdirChunks(): string[] {
  const dir = join(out, 'main/chunks');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => `main/chunks/${f}`);
}
