// The socket's binary frames against the real server and service: a client that asks (bin on
// its calls) gets a grid as one binary frame and its events as frames too; one that does not
// keeps getting JSON text, so an old client still works.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeFrame, encodeFrame, type WireMessage } from '../../src/shared/wire';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { startServer, type RunningServer } from '../../src/main/server';

let dir: string;
let svc: LatentLabService;
let server: RunningServer;
let datasetId: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-frames-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  const folder = join(dir, 'imgs');
  mkdirSync(folder);
  for (let i = 0; i < 4; i++) {
    const png = await sharp(Buffer.alloc(8 * 8, i * 60), { raw: { width: 8, height: 8, channels: 1 } })
      .png()
      .toBuffer();
    writeFileSync(join(folder, `${i}.png`), png);
  }
  svc = await openService({ dataDir: join(dir, 'data'), door: 'browser' });
  const job = await svc['datasets:import']({ kind: 'folder', path: folder, side: 8, testShare: 0.25, labelsFrom: 'none' } as never);
  datasetId = (await svc.waitForJob((job as { jobId: string }).jobId)).datasetId!;
  server = await startServer({ service: svc, port: 0, rendererDir: join(dir, 'renderer') });
});

afterAll(async () => {
  await server?.close();
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Frame {
  binary: boolean;
  msg: WireMessage;
}

async function open(): Promise<{ ws: WebSocket; frames: Frame[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
  const frames: Frame[] = [];
  ws.on('message', (data, isBinary) => {
    frames.push({ binary: isBinary, msg: decodeFrame(isBinary ? (data as Buffer) : data.toString()) as WireMessage });
  });
  await new Promise((r) => ws.once('open', r));
  return { ws, frames };
}

const until = async (pred: () => boolean): Promise<void> => {
  for (let end = Date.now() + 10_000; !pred(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() > end) throw new Error('no answer in time');
};

describe('binary frames on the socket', () => {
  it('answers a bin call for a grid with one binary frame of raw tiles', async () => {
    const { ws, frames } = await open();
    ws.send(encodeFrame({ t: 'call', id: 1, method: 'explore:grid', args: { kind: 'dataset', datasetId, limit: 4 }, bin: true }));
    await until(() => frames.some((f) => f.msg.t === 'result'));
    const reply = frames.find((f) => f.msg.t === 'result')!;
    expect(reply.binary).toBe(true);
    const r = (
      reply.msg as { result: { ok: boolean; value: { tiles: Uint8Array; n: number; width: number; height: number; channels: number } } }
    ).result;
    expect(r.ok).toBe(true);
    expect(r.value.tiles).toBeInstanceOf(Uint8Array);
    expect(r.value.tiles.length).toBe(r.value.n * r.value.width * r.value.height * r.value.channels);
    ws.close();
  });

  it('keeps JSON text for a client that does not ask, and takes a binary call', async () => {
    const { ws, frames } = await open();
    ws.send(JSON.stringify({ t: 'call', id: 1, method: 'explore:grid', args: { kind: 'dataset', datasetId, limit: 2 } }));
    await until(() => frames.length === 1);
    expect(frames[0]!.binary).toBe(false);
    expect((frames[0]!.msg as { result: { value: { tiles: unknown } } }).result.value.tiles).toBeInstanceOf(Uint8Array);
    // a call carrying bytes travels as a binary frame and is read as one
    ws.send(encodeFrame({ t: 'call', id: 2, method: 'app:info', args: { pad: new Uint8Array(3) } }));
    await until(() => frames.length === 2);
    expect((frames[1]!.msg as { id: number; result: { ok: boolean } }).result).toMatchObject({ ok: false });
    ws.close();
  });

  it("says where a grid's time went: the server's stages beside the answer, the grid thread's among them", async () => {
    const { ws, frames } = await open();
    ws.send(encodeFrame({ t: 'call', id: 1, method: 'explore:grid', args: { kind: 'dataset', datasetId, limit: 4 }, bin: true }));
    await until(() => frames.some((f) => f.msg.t === 'result'));
    const { stages } = frames.find((f) => f.msg.t === 'result')!.msg as { stages?: Record<string, number> };
    expect(Object.keys(stages ?? {}).sort()).toEqual(['parse', 'read', 'server', 'thread', 'thread hop', 'thread.build']);
    const s = stages!;
    for (const ms of Object.values(s)) expect(ms).toBeGreaterThanOrEqual(0);
    // each part within the whole it is part of
    expect(s.thread!).toBeGreaterThanOrEqual(s['thread.build']!);
    expect(s.server!).toBeGreaterThanOrEqual(s.read! + s.parse! + s.thread! + s['thread hop']!);
    ws.close();
  });
});
