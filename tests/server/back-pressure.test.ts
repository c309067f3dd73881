// Back-pressure on the socket (issue 9.6): a real client that sends calls and never reads its
// replies is dropped once the bytes waiting for it pass the bound, instead of the server
// holding every reply in memory; a client that reads is served as before.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { encodeWire } from '../../src/shared/wire';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { startServer, type RunningServer } from '../../src/main/server';
import { Client, connect } from './ws-client';

let dir: string;
let svc: LatentLabService;
let server: RunningServer;
const BOUND = 512 * 1024;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-pressure-'));
  mkdirSync(join(dir, 'big'));
  // a listing of 400 long names: each reply about 40 KB
  for (let i = 0; i < 400; i++) writeFileSync(join(dir, 'big', `${'x'.repeat(80)}-${i}.png`), '');
  svc = await openService({ dataDir: join(dir, 'data'), door: 'browser' });
  server = await startServer({ service: svc, port: 0, maxUnsentBytes: BOUND });
});
afterAll(async () => {
  await server?.close();
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a client that never reads', () => {
  it('is dropped past the bound of unsent bytes; a reading client is served', async () => {
    const url = `ws://127.0.0.1:${server.port}/api?token=${server.token}`;
    const idle = await connect(url);
    // stop reading: the kernel's buffers fill, then the server's
    (idle as unknown as { _socket: Socket })._socket.pause();
    const calls = 800; // about 32 MB of replies, far past the bound and the kernel's buffers
    for (let id = 1; id <= calls; id++)
      idle.send(encodeWire({ t: 'call', id, method: 'datasets:browse', args: { path: join(dir, 'big') } }));
    const reader = new Client(await connect(url));
    const end = Date.now() + 30_000;
    while (server.clients() > 1 && Date.now() < end) {
      const r = await reader.call('app:info');
      expect(r.ok).toBe(true);
    }
    expect(server.clients()).toBe(1);
    // the dropped client, reading again, finds its socket closed after fewer replies than calls
    let replies = 0;
    const closed = new Promise<number>((res) => idle.once('close', res));
    idle.on('message', () => replies++);
    (idle as unknown as { _socket: Socket })._socket.resume();
    expect(await closed).toBe(1006);
    expect(replies).toBeLessThan(calls);
    expect((await reader.call('app:info')).ok).toBe(true);
    reader.ws.close();
  });
});
