// Training in a worker thread: events arrive, the calling thread stays free, cancel lands
// within a second, a failure in the worker rejects with its message; its threads yield a busy core.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKGROUND_NICE } from '../../src/main/core/workers/priority.js';
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

  it.skipIf(process.platform !== 'linux')(
    'trains at a lower CPU priority than the thread that answers calls (Linux: per-thread nice)',
    async () => {
      // every thread's nice value, read from /proc while the training (and its gradient threads) run
      const niceOfThreads = (): Map<number, number> => {
        const out = new Map<number, number>();
        for (const tid of readdirSync('/proc/self/task')) {
          try {
            const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
            const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
            out.set(Number(tid), Number(fields[16])); // field 19 of stat(5), counted from field 3
          } catch {
            // a thread that ended between the listing and the read
          }
        }
        return out;
      };
      let seen: Map<number, number> | undefined;
      const ac = new AbortController();
      await runTrainingInWorker(
        { config: { ...cfg, epochs: 5, threads: 2 }, datasetFile: file, runDir: join(dir, 'nice'), resume: false, backend: 'wasm' },
        (e) => {
          if (e.type === 'step' && !seen) {
            seen = niceOfThreads();
            ac.abort();
          }
        },
        ac.signal,
      );
      expect(seen).toBeDefined();
      expect(seen!.get(process.pid)).toBe(0);
      // the training worker and its second gradient thread
      expect([...seen!.values()].filter((n) => n === BACKGROUND_NICE).length).toBeGreaterThanOrEqual(2);
    },
  );

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
