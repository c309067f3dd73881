// Back-pressure on the socket: a real client that sends thousands of calls and stops
// reading its replies is not read either, past a bound of unsent bytes, instead of the server
// holding every reply in memory: measured on a server in its own process, its RSS stays flat
// while another client is served, and once the client reads again every call it sent is
// answered, and so are its later calls. Only a client past a much larger bound is dropped.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../src/shared/wire';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { startServer } from '../../src/main/server';
import { startServerChild } from './server-child';
import { Client, connect } from './ws-client';

let dir: string;
const MiB = 1024 * 1024;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'll-pressure-'));
  mkdirSync(join(dir, 'big'));
  // a listing of 400 long names: each reply about 40 KB
  for (let i = 0; i < 400; i++) writeFileSync(join(dir, 'big', `${'x'.repeat(80)}-${i}.png`), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Sends `n` listing calls of ~40 KB replies each (ids from `first`) without waiting. */
function flood(ws: WebSocket, first: number, n: number): void {
  for (let id = first; id < first + n; id++)
    ws.send(encodeWire({ t: 'call', id, method: 'datasets:browse', args: { path: join(dir, 'big') } }));
}

describe('a client that stops reading', () => {
  it('is not read meanwhile (server RSS flat, others served), and gets every answer once it reads again', async () => {
    // the hard bound far away: what bounds memory here is the pause
    const server = await startServerChild(join(dir, 'data'), {
      pauseAboveBytes: MiB,
      resumeBelowBytes: MiB / 4,
      maxUnsentBytes: 1024 * MiB,
    });
    try {
      const reader = new Client(await connect(server.url));
      for (let i = 0; i < 20; i++) expect((await reader.call('datasets:browse', { path: join(dir, 'big') })).ok).toBe(true);
      const before = server.rssMiB();

      const slow = await connect(server.url);
      const answered = new Set<number>();
      slow.on('message', (d) => {
        const msg = decodeWire(d.toString()) as { t: string; id: number; result: { ok: boolean } };
        if (msg.t === 'result' && msg.result.ok) answered.add(msg.id);
      });
      slow.pause(); // stop reading: the kernel's buffers fill, then the server's
      const calls = 3000; // about 120 MB of replies
      flood(slow, 1, calls);
      let peak = before;
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => setTimeout(r, 100));
        peak = Math.max(peak, server.rssMiB());
        expect((await reader.call('app:info')).ok).toBe(true);
      }
      console.log(
        `server RSS ${before.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB while a client held ${calls} calls' replies unread`,
      );
      // what the calls in flight when reads paused took (~+80 MiB); reading on took +430 MiB here
      expect(peak - before).toBeLessThan(150);

      slow.resume();
      for (const end = Date.now() + 60_000; answered.size < calls && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
      expect(answered.size).toBe(calls);
      // and it is read again: a later call is answered
      flood(slow, calls + 1, 1);
      for (const end = Date.now() + 10_000; !answered.has(calls + 1) && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
      expect(answered.has(calls + 1)).toBe(true);
      slow.close();
      reader.ws.close();
    } finally {
      await server.stop();
    }
  });
});

describe('a client past the hard bound', () => {
  let svc: LatentLabService;
  afterAll(async () => svc?.close());

  it('is dropped, and another client is served', async () => {
    svc = await openService({ dataDir: join(dir, 'data-2'), door: 'browser' });
    // the calls already in flight when reads pause (8 x 40 KB) are past this hard bound
    const server = await startServer({
      service: svc,
      port: 0,
      pauseAboveBytes: 64 * 1024,
      resumeBelowBytes: 16 * 1024,
      maxUnsentBytes: 128 * 1024,
      maxCallsInFlight: 8,
    });
    try {
      const url = `ws://127.0.0.1:${server.port}/api?token=${server.token}`;
      const idle = await connect(url);
      idle.pause();
      const closed = new Promise<number>((res) => idle.once('close', res));
      flood(idle, 1, 400);
      const reader = new Client(await connect(url));
      for (const end = Date.now() + 30_000; server.clients() > 1 && Date.now() < end;)
        expect((await reader.call('app:info')).ok).toBe(true);
      expect(server.clients()).toBe(1);
      idle.resume();
      expect(await closed).toBe(1006);
      expect((await reader.call('app:info')).ok).toBe(true);
      reader.ws.close();
    } finally {
      await server.close();
    }
  });
});
