// The server's side of "this browser's GPU": a tab's trainer socket is guarded like the API's
// (token, origin, a well-formed claim), a run must name the trainer it trains on, and a run
// whose trainer is not there ends failed saying so, with the resume offered. The training
// itself, in a real tab, is tests/e2e/browser-gpu.spec.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke } from '../../src/main/dispatch';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { startServer, type RunningServer } from '../../src/main/server';
import { connect } from './ws-client';

let dir: string;
let svc: LatentLabService;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-browser-trainers-'));
  svc = await openService({ dataDir: join(dir, 'data'), door: 'browser' });
  server = await startServer({ service: svc, port: 0, rendererDir: join(dir, 'renderer') });
});

afterAll(async () => {
  await server?.close();
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

const CLAIM = '0123456789abcdef-claim';
const trainerUrl = (query: string): string => `ws://127.0.0.1:${server.port}/trainer?${query}`;

async function smallDataset(): Promise<number> {
  const folder = join(dir, 'pictures');
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < 8; i++) {
    const png = await sharp(Buffer.alloc(64, i * 30), { raw: { width: 8, height: 8, channels: 1 } })
      .png()
      .toBuffer();
    writeFileSync(join(folder, `p${i}.png`), png);
  }
  const imp = await invoke(svc, 'datasets:import', { kind: 'folder', path: folder, side: 8, testShare: 0.25 });
  if (!imp.ok) throw new Error(imp.error.message);
  const done = await svc.waitForJob(imp.value.jobId);
  return done.datasetId!;
}

describe("the server's browser trainers", () => {
  it('guards the trainer socket as the API: token, origin, claim', async () => {
    await expect(connect(trainerUrl(`claim=${CLAIM}`))).rejects.toThrow(/401/);
    await expect(connect(trainerUrl(`token=${'0'.repeat(64)}&claim=${CLAIM}`))).rejects.toThrow(/401/);
    await expect(connect(trainerUrl(`token=${server.token}&claim=${CLAIM}`), { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connect(trainerUrl(`token=${server.token}&claim=short`))).rejects.toThrow(/400/);
    await expect(connect(trainerUrl(`token=${server.token}`))).rejects.toThrow(/400/);
    const ws = await connect(trainerUrl(`token=${server.token}&claim=${CLAIM}`));
    // a second trainer under the same claim is closed with the reason
    const twin = await connect(trainerUrl(`token=${server.token}&claim=${CLAIM}`));
    const why = await new Promise<string>((resolve) => twin.once('close', (_code, reason) => resolve(reason.toString())));
    expect(why).toBe('a trainer with this claim is connected already');
    ws.close();
  });

  it('a run on this browser names its trainer, and only such a run does, started or resumed', async () => {
    const datasetId = await smallDataset();
    const config = { model: 'vae', latent: 2, hidden: [8], epochs: 1, batch: 4 } as const;
    const none = await invoke(svc, 'runs:start', { datasetId, config: { ...config, hidden: [8] }, backend: 'webgpu-browser' });
    expect(none.ok ? 'started' : none.error.message).toMatch(/browserTrainer: webgpu-browser trains in the tab that asks for it/);
    const stray = await invoke(svc, 'runs:start', { datasetId, config: { ...config, hidden: [8] }, browserTrainer: CLAIM });
    expect(stray.ok ? 'started' : stray.error.message).toMatch(/browserTrainer: webgpu-browser trains in the tab/);
    // a resume too: a tab resumes a run on its GPU with the trainer it opened
    for (const args of [
      { runId: 1, browserTrainer: CLAIM },
      { runId: 1, backend: 'webgpu-browser' as const },
    ]) {
      const r = await invoke(svc, 'runs:resume', args);
      expect(r.ok ? 'resumed' : r.error.message).toMatch(/^runs:resume: browserTrainer: webgpu-browser trains in the tab that asks for it/);
    }
  });

  it('a run whose trainer is not connected ends failed, saying so and offering the resume', async () => {
    const datasetId = (await invoke(svc, 'datasets:list', {}).then((r) => (r.ok ? r.value : [])))[0]!.id;
    const started = await invoke(svc, 'runs:start', {
      datasetId,
      config: { model: 'vae', latent: 2, hidden: [8], epochs: 1, batch: 4 },
      backend: 'webgpu-browser',
      browserTrainer: 'no-such-trainer-here',
    });
    if (!started.ok) throw new Error(started.error.message);
    const ended = await svc.waitForJob(started.value.jobId);
    expect(ended.status).toBe('failed');
    const run = await invoke(svc, 'runs:get', { runId: started.value.runId });
    expect(run.ok && run.value.status).toBe('failed');
    expect(run.ok && run.value.error).toBe(
      "webgpu-browser: the browser tab's trainer is not connected (the tab closed, or its trainer stopped); start the training from the tab again; resume continues from the last checkpoint on wasm (--backend wasm)",
    );
  });
});
