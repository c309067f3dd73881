// Training in a worker thread: events arrive, the calling thread stays free, cancel lands
// within a second, a failure in the worker rejects with its message.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrainingInWorker, type TrainEvent } from '../../src/main/core/train/index.js';
import type { TrainConfig } from '../../src/main/core/types.js';
import { mnistSubsetFile, tinyVae } from './mnist-subset.js';

let dir = '';
let file = '';
const cfg: TrainConfig = tinyVae;

beforeAll(async () => {
  ({ dir, file } = await mnistSubsetFile(2000, 300));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('runTrainingInWorker', () => {
  it('trains in a worker, streams events and leaves this thread free', async () => {
    const events: TrainEvent[] = [];
    // the main thread's timer keeps ticking while the worker computes
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const t0 = Date.now();
    const outcome = await runTrainingInWorker(
      { config: cfg, datasetFile: file, runDir: join(dir, 'ok'), resume: false, backend: 'wasm' },
      (e) => events.push(e),
    );
    const ms = Date.now() - t0;
    clearInterval(timer);
    expect(outcome).toEqual({ status: 'done', epochsDone: 1 });
    expect(events[0]).toMatchObject({ type: 'started', backend: 'wasm', stepsPerEpoch: 40, trainCount: 2000, testCount: 300 });
    expect(events.filter((e) => e.type === 'step').length).toBeGreaterThan(0);
    const epoch = events.find((e) => e.type === 'epoch');
    expect(epoch && epoch.type === 'epoch' && epoch.result.heldOut).toBeLessThan(300);
    expect(ticks).toBeGreaterThan(ms / 10 / 4);
  });

  it('cancels within a second', async () => {
    const ac = new AbortController();
    let abortedAt = 0;
    const outcome = await runTrainingInWorker(
      { config: { ...cfg, epochs: 50 }, datasetFile: file, runDir: join(dir, 'cancel'), resume: false, backend: 'wasm' },
      (e) => {
        if (e.type === 'step' && !abortedAt) {
          abortedAt = Date.now();
          ac.abort();
        }
      },
      ac.signal,
    );
    expect(outcome.status).toBe('cancelled');
    expect(Date.now() - abortedAt).toBeLessThan(1000);
  });

  it('rejects with the worker’s error message', async () => {
    await expect(
      runTrainingInWorker(
        { config: cfg, datasetFile: join(dir, 'missing.lld'), runDir: join(dir, 'bad'), resume: false, backend: 'wasm' },
        () => undefined,
      ),
    ).rejects.toThrow(/missing\.lld/);
  });
});
