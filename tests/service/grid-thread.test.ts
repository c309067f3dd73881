// Grids are decoded on a thread of their own (handlers/grid-thread.ts): a grid drawn there is
// the grid drawn in-process, byte for byte; while a big one decodes, this thread answers other
// calls at once; a deleted run's models are dropped there too; and a grid still answers after
// the thread was killed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GridSpec, Result } from '../../src/shared/contract';
import { invoke as dispatch } from '../../src/main/dispatch';
import { DB_FILE, openService, type LatentLabService } from '../../src/main/core/service';
import { GridThread } from '../../src/main/core/handlers/grids/thread';
import { gridSpecSchema } from '../../src/shared/schemas';
import type { Worker } from 'node:worker_threads';

let dir: string;
let runId: number;

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

// a wide decoder (8 -> 2048 -> 2048 -> 784) makes a 32x32 sweep take a visible while to decode
const wide = { model: 'vae' as const, latent: 8, hidden: [2048, 2048], epochs: 1, batch: 50, limit: 500 };
const sweep = (grid: number, shift = 0): GridSpec => ({
  kind: 'sweep',
  runId,
  dims: [0, 1],
  grid,
  range: [-2 - shift, 2],
  base: { kind: 'zero' },
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-grid-thread-'));
  const svc = await openService({ dataDir: dir, door: 'cli' });
  try {
    const imp = await svc.waitForJob(value(await dispatch(svc, 'datasets:import', { kind: 'mnist' })).jobId);
    const job = value(await dispatch(svc, 'runs:start', { datasetId: imp.datasetId!, config: wide }));
    expect((await svc.waitForJob(job.jobId)).status).toBe('done');
    runId = job.runId;
  } finally {
    await svc.close();
  }
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function withService<T>(door: 'cli' | 'browser', f: (svc: LatentLabService) => Promise<T>): Promise<T> {
  const svc = await openService({ dataDir: dir, door });
  try {
    return await f(svc);
  } finally {
    await svc.close();
  }
}

describe('the grid thread', () => {
  it('draws the same grid as the in-process builder, byte for byte', async () => {
    const here = await withService('cli', async (svc) => value(await dispatch(svc, 'explore:grid', sweep(8))));
    const there = await withService('browser', async (svc) => value(await dispatch(svc, 'explore:grid', sweep(8))));
    expect(there.n).toBe(64);
    expect(Buffer.from(there.tiles).equals(Buffer.from(here.tiles))).toBe(true);
    expect(there.xValues).toEqual(here.xValues);
  }, 120_000);

  it('leaves this thread free while a big grid decodes', async () => {
    await withService('browser', async (svc) => {
      value(await dispatch(svc, 'explore:grid', sweep(4))); // warm: the thread, its model and data
      const t0 = performance.now();
      const big = dispatch(svc, 'explore:grid', sweep(32, 0.5));
      const info = value(await dispatch(svc, 'app:info', {}));
      const infoMs = performance.now() - t0;
      value(await big);
      const gridMs = performance.now() - t0;
      expect(info.version).toBeTruthy();
      console.log(`app:info ${infoMs.toFixed(1)} ms beside a grid of ${gridMs.toFixed(1)} ms`);
      // in-process, app:info waited for the whole decode (gridMs); here it does not
      expect(gridMs).toBeGreaterThan(100);
      expect(infoMs).toBeLessThan(gridMs / 4);
    });
  }, 120_000);

  it('starts a new thread after the last one died, and fails only the calls it held', async () => {
    const thread = new GridThread({ dbFile: join(dir, DB_FILE), dataDir: dir, door: 'browser', version: 'test', backend: 'wasm' });
    try {
      const spec = gridSpecSchema.parse(sweep(4));
      const a = await thread.build(spec);
      const held = thread.build(gridSpecSchema.parse(sweep(32, 1)));
      await (thread as unknown as { worker: Worker }).worker.terminate();
      await expect(held).rejects.toThrow(/grid thread exited/);
      const b = await thread.build(spec);
      expect(Buffer.from(b.tiles).equals(Buffer.from(a.tiles))).toBe(true);
    } finally {
      await thread.close();
    }
  }, 120_000);

  it('sees a run deleted by the answering thread: not-found, not a stale model', async () => {
    await withService('browser', async (svc) => {
      value(await dispatch(svc, 'explore:grid', sweep(4)));
      value(await dispatch(svc, 'runs:delete', { runId }));
      const r = await dispatch(svc, 'explore:grid', sweep(4));
      expect(!r.ok && r.error.code).toBe('not-found');
    });
  }, 120_000);
});
