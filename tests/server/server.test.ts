// The browser-mode bridge over the real service: the token guards the socket, every call goes
// through dispatch (bad arguments come back as a Result), events reach every socket, and the
// static server never leaves the renderer folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { startServer, type RunningServer } from '../../src/main/server';
import { Client, connect } from './ws-client';

let dir: string;
let svc: LatentLabService;
let server: RunningServer;
let rendererDir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-server-'));
  rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><title>Latent Lab</title><script type="module" src="/assets/app.js"></script>',
  );
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("hi")');
  writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET');
  svc = await openService({ dataDir: join(dir, 'data'), door: 'browser' });
  server = await startServer({ service: svc, port: 0, rendererDir });
});

afterAll(async () => {
  await server?.close();
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

const wsUrl = (token: string | null): string => `ws://127.0.0.1:${server.port}/api${token === null ? '' : `?token=${token}`}`;

function get(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    // http.request sends the path as written: no client-side normalisation of "..", as a hostile client would
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser-mode server', () => {
  it('prints a loopback URL that carries a 64-hex-digit token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
    expect(server.url).toContain(server.token);
  });

  it('refuses a socket with no token or a wrong one', async () => {
    await expect(connect(wsUrl(null))).rejects.toThrow(/401/);
    await expect(connect(wsUrl('0'.repeat(64)))).rejects.toThrow(/401/);
    await expect(connect(wsUrl(server.token.slice(0, -1)))).rejects.toThrow(/401/);
  });

  it('refuses a page from another origin even with the token', async () => {
    await expect(connect(wsUrl(server.token), { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('answers calls with Results: a good call, bad arguments, an unknown method, a shell method', async () => {
    const c = new Client(await connect(wsUrl(server.token), { Origin: `http://127.0.0.1:${server.port}` }));
    const info = await c.call('app:info');
    expect(info.ok).toBe(true);
    if (info.ok) expect((info.value as { door: string }).door).toBe('browser');

    const list = await c.call('datasets:list');
    expect(list).toEqual({ ok: true, value: [] });

    const bad = await c.call('datasets:probe', { path: 42 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('bad-args');
      expect(bad.error.message).toMatch(/path/);
    }
    const extra = await c.call('runs:get', { runId: 1, sneaky: true });
    expect(!extra.ok && extra.error.code).toBe('bad-args');

    const unknown = await c.call('fs:readFile', { path: '/etc/passwd' });
    expect(!unknown.ok && unknown.error.code).toBe('unsupported');
    const dialog = await c.call('dialog:openFolder');
    expect(!dialog.ok && dialog.error.code).toBe('unsupported');
    c.ws.close();
  });

  it('closes a socket that sends something other than a call', async () => {
    const ws = await connect(wsUrl(server.token));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('not json');
    expect(await closed).toBe(1003);
  });

  it('forwards service events to every connected socket', async () => {
    const folder = join(dir, 'tiny');
    mkdirSync(join(folder, 'a'), { recursive: true });
    mkdirSync(join(folder, 'b'), { recursive: true });
    for (const [i, sub] of ['a', 'a', 'b', 'b'].entries()) {
      const png = await sharp({ create: { width: 12, height: 12, channels: 3, background: { r: 40 * i, g: 90, b: 200 } } })
        .png()
        .toBuffer();
      writeFileSync(join(folder, sub, `${i}.png`), png);
    }
    const one = new Client(await connect(wsUrl(server.token)));
    const two = new Client(await connect(wsUrl(server.token)));
    const r = await one.call('datasets:import', { kind: 'folder', path: folder, side: 8, testShare: 0.25 });
    expect(r.ok).toBe(true);
    const jobId = r.ok ? (r.value as { jobId: string }).jobId : '';
    const finished = (e: { event: string; payload: unknown }): boolean =>
      e.event === 'job:finished' && (e.payload as { jobId: string }).jobId === jobId;
    await one.until(finished);
    await two.until(finished);
    const f = one.events.find(finished)!.payload as { status: string; datasetId: number };
    expect(f.status).toBe('done');
    const list = await two.call('datasets:list');
    expect(list.ok && (list.value as { count: number }[])[0]!.count).toBe(4);
    // a grid's pixels survive the JSON bridge as bytes
    const g = await two.call('explore:grid', { kind: 'dataset', datasetId: f.datasetId, limit: 4 });
    expect(g.ok).toBe(true);
    if (g.ok) {
      const grid = g.value as { tiles: Uint8Array; n: number; width: number; height: number; channels: number };
      expect(grid.tiles).toBeInstanceOf(Uint8Array);
      expect(grid.tiles.length).toBe(grid.n * grid.width * grid.height * grid.channels);
    }
    one.ws.close();
    two.ws.close();
  });

  it('serves the renderer with content types and a strict CSP', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.body).toContain('<title>Latent Lab</title>');
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    // the query string (the token) does not change what is served
    expect((await get(`/?token=${server.token}`)).body).toBe(index.body);

    const js = await get('/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect((await get('/assets/app.css')).headers['content-type']).toMatch(/^text\/css/);
    expect((await get('/assets/nope.js')).status).toBe(404);
    expect((await get('/assets')).status).toBe(404);
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const p of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..\\secret.txt',
      '/%2e%2e%5csecret.txt',
      `/${'../'.repeat(8)}etc/passwd`,
      '/%00index.html',
      '/%E0%A4%A',
    ]) {
      const r = await get(p);
      expect(r.status, p).not.toBe(200);
      expect(r.body, p).not.toContain('TOP-SECRET');
      expect(r.body, p).not.toContain('root:');
    }
  });

  it('refuses methods other than GET and HEAD on static files', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/index.html', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('x');
    });
    expect(status).toBe(405);
  });
});
