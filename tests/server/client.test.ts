// The renderer's WebSocket client (src/renderer/src/lib/api.ts) against the real server and
// service: named methods, events with unsubscribe, one reconnect, and clear failures. Node's
// `ws` stands in for the browser's WebSocket (same onopen/onmessage/onclose surface).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSocketApi, type ConnectionState } from '../../src/renderer/src/lib/api';
import { LatestOnly } from '../../src/renderer/src/lib/latest';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { startServer, type RunningServer } from '../../src/main/server';

let dir: string;
let svc: LatentLabService;
let server: RunningServer;

beforeAll(async () => {
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
  dir = mkdtempSync(join(tmpdir(), 'll-client-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  svc = await openService({ dataDir: join(dir, 'data'), door: 'browser' });
  server = await startServer({ service: svc, port: 0, rendererDir: join(dir, 'renderer') });
});

afterAll(async () => {
  await server?.close();
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

const until = async (pred: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('renderer WebSocket client', () => {
  it('calls named methods, gets Results, and delivers events until unsubscribed', async () => {
    const states: ConnectionState[] = [];
    const api = createSocketApi({ url: `ws://127.0.0.1:${server.port}/api?token=${server.token}`, onState: (s) => states.push(s) });
    expect(api.door).toBe('browser');
    const info = await api['app:info']();
    expect(info.ok && info.value.door).toBe('browser');
    const bad = await api['datasets:probe']({ path: '' });
    expect(!bad.ok && bad.error.code).toBe('bad-args');
    const shell = await api['dialog:openFolder']();
    expect(!shell.ok && shell.error.code).toBe('unsupported');
    expect(states).toEqual(['connecting', 'open']);

    const seen: string[] = [];
    const off = api.on('job:finished', (f) => seen.push(f.status));
    const started = await api['datasets:import']({ kind: 'folder', path: join(dir, 'does-not-exist') });
    // a missing folder fails at once, before any job starts
    expect(!started.ok && started.error.code).toBe('bad-input');
    const mnist = await api['datasets:import']({ kind: 'mnist' });
    expect(mnist.ok).toBe(true);
    await until(() => seen.length === 1);
    expect(seen).toEqual(['done']);
    off();
    const again = await api['datasets:delete']({ datasetId: 1 });
    expect(again.ok).toBe(true);
    expect(seen).toHaveLength(1);
    expect(() => api.on('nope' as never, () => {})).toThrow(/unknown event/);
  });

  it('reports a refused token as lost and answers calls with a clear error', async () => {
    const states: ConnectionState[] = [];
    const api = createSocketApi({ url: `ws://127.0.0.1:${server.port}/api?token=wrong`, onState: (s) => states.push(s) });
    const r = await api['app:info']();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('internal');
      expect(r.error.message).toMatch(/could not connect.*token/i);
    }
    expect(states).toEqual(['connecting', 'lost']);
  });

  it('reconnects once when the server goes away and comes back', async () => {
    const port = server.port;
    const token = server.token;
    const states: ConnectionState[] = [];
    const api = createSocketApi({ url: `ws://127.0.0.1:${port}/api?token=${token}`, onState: (s) => states.push(s) });
    expect((await api['datasets:list']()).ok).toBe(true);
    await server.close();
    server = await startServer({ service: svc, port, token, rendererDir: join(dir, 'renderer') });
    await until(() => states.at(-1) === 'open' && states.includes('reconnecting'));
    expect((await api['datasets:list']()).ok).toBe(true);
    // the second loss is final
    await server.close();
    await until(() => states.at(-1) === 'lost');
    const r = await api['runs:list']();
    expect(!r.ok && r.error.message).toMatch(/not connected/);
    server = await startServer({ service: svc, port, token, rendererDir: join(dir, 'renderer') });
  });
});

describe('LatestOnly', () => {
  it('keeps one request in flight and sends only the newest of those that arrived meanwhile', async () => {
    const sent: number[] = [];
    const drawn: number[] = [];
    const gates: (() => void)[] = [];
    const l = new LatestOnly<number, number>(
      (n) => {
        sent.push(n);
        return new Promise((resolve) => gates.push(() => resolve(n)));
      },
      (r) => drawn.push(r),
      (e) => {
        throw e;
      },
    );
    l.request(1);
    l.request(2);
    l.request(3);
    l.request(4);
    expect(sent).toEqual([1]);
    expect(l.hasPending).toBe(true);
    gates.shift()!();
    await until(() => sent.length === 2);
    expect(sent).toEqual([1, 4]); // 2 and 3 were dropped, never queued
    expect(drawn).toEqual([1]);
    gates.shift()!();
    await until(() => drawn.length === 2);
    expect(drawn).toEqual([1, 4]);
    expect(l.busy).toBe(false);

    // after reset, an answer still on its way is ignored
    l.request(5);
    l.reset();
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 20));
    expect(drawn).toEqual([1, 4]);
  });
});
