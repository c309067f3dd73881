// `npm start` where Electron cannot run (no display; binary missing and not downloadable, as
// offline here): one line says why, browser mode starts on 127.0.0.1, prints its URL and opens
// the "system browser" ($BROWSER, here a script that writes down the URL it was given).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const electronBinary = (): boolean => {
  try {
    const p = readFileSync(join(ROOT, 'node_modules/electron/path.txt'), 'utf8').trim();
    return existsSync(join(ROOT, 'node_modules/electron/dist', p));
  } catch {
    return false;
  }
};

let child: ChildProcess | undefined;
let dir = '';
afterEach(() => {
  // the whole group: npm start's node, tsx and the server under it
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  child = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function start(env: NodeJS.ProcessEnv): Promise<{ lines: string[]; url: string; opened: string }> {
  dir = mkdtempSync(join(tmpdir(), 'll-start-'));
  const opened = join(dir, 'opened.txt');
  const browser = join(dir, 'browser.sh');
  writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
  chmodSync(browser, 0o755);
  const base: NodeJS.ProcessEnv = { ...process.env, LATENT_LAB_DATA: join(dir, 'data'), BROWSER: browser };
  delete base.DISPLAY;
  delete base.WAYLAND_DISPLAY;
  child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: { ...base, ...env }, detached: true });
  const lines: string[] = [];
  let all = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 90 s; printed:\n${all}`)), 90_000);
    const take = (chunk: Buffer): void => {
      all += chunk.toString();
      const found = /serving on (http:\/\/\S+)/.exec(all);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child!.stdout!.on('data', take);
    child!.stderr!.on('data', take);
    child!.on('exit', (code) => reject(new Error(`npm start exited (${code}) before serving; printed:\n${all}`)));
  });
  lines.push(...all.split('\n'));
  const deadline = Date.now() + 10_000;
  while (!existsSync(opened) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return { lines, url, opened: existsSync(opened) ? readFileSync(opened, 'utf8') : '' };
}

async function servesTheApp(url: string): Promise<void> {
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+$/);
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(await res.text()).toMatch(/<div id="app">|<script/);
}

describe('npm start where Electron cannot run', () => {
  it('with no display: says so in one line, serves on 127.0.0.1 and opens the browser', async () => {
    const { lines, url, opened } = await start({});
    const why = lines.filter((l) => /Electron cannot run here/.test(l));
    expect(why).toEqual([
      'Electron cannot run here: there is no display (DISPLAY and WAYLAND_DISPLAY are unset); starting browser mode instead.',
    ]);
    await servesTheApp(url);
    expect(opened).toBe(url);
  });

  it.skipIf(electronBinary())('with a display but no binary and no download: names the missing binary in one line', async () => {
    // a mirror nobody answers on, so the download fails here even where the internet is reachable
    const { lines, url, opened } = await start({ DISPLAY: ':99', ELECTRON_MIRROR: 'http://127.0.0.1:9/' });
    const why = lines.filter((l) => /Electron cannot run here/.test(l));
    expect(why).toHaveLength(1);
    expect(why[0]).toMatch(
      /^Electron cannot run here: its binary is missing and could not be downloaded \(.+\); starting browser mode instead\.$/,
    );
    await servesTheApp(url);
    expect(opened).toBe(url); // $BROWSER is honoured whatever the display
  });
});
