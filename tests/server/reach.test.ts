// The reach of whoever holds the URL, over a real server: the Host header must
// name the bound address (DNS rebinding), the token must come exactly once.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { hostAllowed, startServer, type RunningServer } from '../../src/main/server';

let dir: string;
let svc: LatentLabService;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-reach-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Latent Lab</title>');
  svc = await openService({ dataDir: join(dir, 'data'), door: 'browser' });
  server = await startServer({ service: svc, port: 0, rendererDir: join(dir, 'renderer') });
});
afterAll(async () => {
  await server?.close();
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

function upgrade(query: string, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, host ? { headers: { host } } : {});
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode!));
    ws.once('error', reject);
  });
}

describe('who may reach the server', () => {
  it('answers only to the bound address and localhost in the Host header', async () => {
    expect(await get('/', `127.0.0.1:${server.port}`)).toBe(200);
    expect(await get('/', `localhost:${server.port}`)).toBe(200);
    expect(await get('/', `evil.example:${server.port}`)).toBe(421);
    expect(await get('/', `127.0.0.1:1`)).toBe(421);
    expect(await upgrade(`?token=${server.token}`, `evil.example:${server.port}`)).toBe(421);
    expect(await upgrade(`?token=${server.token}`)).toBe(101);
  });

  it('refuses a token given twice, even when one copy is right', async () => {
    expect(await upgrade(`?token=${server.token}&token=bad`)).toBe(401);
    expect(await upgrade(`?token=bad&token=${server.token}`)).toBe(401);
  });

  it('takes any IP literal, never a name, when bound to every interface', () => {
    expect(hostAllowed('10.1.2.3:8080', '0.0.0.0', 8080)).toBe(true);
    expect(hostAllowed('[::1]:8080', '::', 8080)).toBe(true);
    expect(hostAllowed('rebind.example:8080', '0.0.0.0', 8080)).toBe(false);
    expect(hostAllowed('gpu-box:8080', 'gpu-box', 8080)).toBe(true);
    expect(hostAllowed(undefined, '127.0.0.1', 8080)).toBe(false);
  });
});
