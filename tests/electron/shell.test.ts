// The Electron shell's plain parts: the app:// file server and its CSP, the window-state file,
// the start-up error page, the preload's name lists. (The built preload: build.test.ts.)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventNames, methodNames } from '../../src/shared/contract';
import { eventNameList, methodNameList } from '../../src/shared/names';
import {
  appIndexUrl,
  appOrigin,
  appProtocolHandler,
  contentSecurityPolicy,
  isRendererUrl,
  resolveAppFile,
} from '../../src/main/electron/app-protocol';
import { adviceFor, startupErrorHtml, startupErrorUrl } from '../../src/main/electron/error-page';
import { defaultWindowState, loadWindowState, saveWindowState } from '../../src/main/electron/window-state';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'latent-lab-shell-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('app:// protocol', () => {
  let site: string;
  beforeAll(() => {
    site = join(tmp, 'renderer');
    mkdirSync(join(site, 'assets'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><p>hi</p>');
    writeFileSync(join(site, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(tmp, 'secret.txt'), 'not for the page');
  });

  it('serves files under the renderer folder with the CSP on every response', async () => {
    const csp = contentSecurityPolicy();
    const handler = appProtocolHandler(site, csp);
    const page = await handler(new Request(appIndexUrl));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(csp);
    expect(await page.text()).toContain('<p>hi</p>');
    const js = await handler(new Request(`${appOrigin}/assets/app.js`));
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    const missing = await handler(new Request(`${appOrigin}/assets/nope.js`));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(csp);
  });

  it('never serves a file outside the renderer folder', async () => {
    const handler = appProtocolHandler(site, contentSecurityPolicy());
    for (const url of [
      `${appOrigin}/%2e%2e/secret.txt`,
      `${appOrigin}/..%2fsecret.txt`,
      `${appOrigin}/..%5csecret.txt`,
      `${appOrigin}/x%00.html`,
      'app://elsewhere/index.html',
    ]) {
      const r = await handler(new Request(url));
      expect(r.status, url).not.toBe(200);
      expect(await r.text(), url).not.toContain('not for the page');
    }
    expect(resolveAppFile(site, `${appOrigin}/../secret.txt`)).toBe(join(site, 'secret.txt')); // URL normalises `..` away
    expect(resolveAppFile(site, 'file:///etc/passwd')).toBeNull();
    expect((await handler(new Request(appIndexUrl, { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('has a strict policy: nothing by default, no eval, no remote hosts', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/https?:/);
    expect(contentSecurityPolicy({ origin: 'http://localhost:5173' })).toContain('ws://localhost:5173');
  });

  it('knows which pages are ours', () => {
    expect(isRendererUrl(appIndexUrl)).toBe(true);
    expect(isRendererUrl(`${appOrigin}/index.html#/explore`)).toBe(true);
    expect(isRendererUrl('app://evil/index.html')).toBe(false);
    expect(isRendererUrl('file:///tmp/index.html')).toBe(false);
    expect(isRendererUrl('data:text/html,hi')).toBe(false);
    expect(isRendererUrl('https://example.com/')).toBe(false);
    expect(isRendererUrl('http://localhost:5173/src/main.ts', 'http://localhost:5173')).toBe(true);
    expect(isRendererUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isRendererUrl('not a url')).toBe(false);
  });
});

describe('window state', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

  it('gives the default when there is no file or it is damaged', async () => {
    expect(await loadWindowState(join(tmp, 'none.json'), screen)).toEqual(defaultWindowState);
    writeFileSync(join(tmp, 'bad.json'), '{"width": "wide"');
    expect(await loadWindowState(join(tmp, 'bad.json'), screen)).toEqual(defaultWindowState);
  });

  it('round-trips size, position and maximized, written atomically', async () => {
    const file = join(tmp, 'state.json');
    await saveWindowState(file, { x: 100, y: 80, width: 1000, height: 700, maximized: true });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 100, y: 80, width: 1000, height: 700, maximized: true });
    expect(await loadWindowState(file, screen)).toEqual({ x: 100, y: 80, width: 1000, height: 700, maximized: true });
  });

  it('drops a position on a display that is gone and shrinks to the biggest display', async () => {
    const file = join(tmp, 'far.json');
    await saveWindowState(file, { x: 4000, y: 100, width: 2500, height: 1400, maximized: false });
    const s = await loadWindowState(file, screen);
    expect(s.x).toBeUndefined();
    expect(s.y).toBeUndefined();
    expect(s.width).toBe(1920);
    expect(s.height).toBe(1080);
  });
});

describe('start-up error page', () => {
  it('shows the message, escaped, with advice for a newer database', () => {
    const f = { code: 'bad-input', message: '/d/latent-lab.sqlite was written by a newer version of Latent Lab <b>', dataDir: '/d' };
    const html = startupErrorHtml(f);
    expect(html).toContain('Latent Lab could not start');
    expect(html).toContain('newer version of Latent Lab &lt;b&gt;');
    expect(html).not.toContain('<b>');
    expect(html).toContain('--data-dir');
    expect(html).not.toMatch(/<script/i);
    expect(decodeURIComponent(startupErrorUrl(f).slice('data:text/html;charset=utf-8,'.length))).toBe(html);
  });

  it('recognises a native module built for the other runtime', () => {
    const advice = adviceFor({
      code: 'internal',
      message: 'was compiled against a different Node.js version using NODE_MODULE_VERSION 140',
      dataDir: '/d',
    });
    expect(advice.join(' ')).toContain('ensure-electron-abi');
  });
});

describe('preload', () => {
  it('lists exactly the contract names (zod-free copies)', () => {
    expect([...methodNameList].sort()).toEqual([...methodNames].sort());
    expect([...eventNameList].sort()).toEqual([...eventNames].sort());
  });
});
