// A training process killed with a real SIGKILL in the middle of a run, then resumed, ends
// with the same weights, bit for bit, as an uninterrupted run of the same seed: on the wasm
// engine with one thread (the leader alone) and with two (a gradient thread beside it). The
// model is large enough (784x100 first layer) for the transposed weight copies to be used.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { invoke as dispatch } from '../../src/main/dispatch';
import { openService } from '../../src/main/core/service';
import { mnistSubset } from '../train/mnist-subset';
import { idxU8, startChild, value } from './processes';

let dir: string;
let datasetId: number;

const config = { model: 'vae' as const, latent: 4, hidden: [100], epochs: 3, batch: 50, seed: 11, limit: 200 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-resume-kill-'));
  const ds = await mnistSubset(600, 0);
  const images = join(dir, 'images.idx');
  const labels = join(dir, 'labels.idx');
  writeFileSync(images, idxU8([ds.n, 28, 28], ds.pixels));
  writeFileSync(labels, idxU8([ds.n], Uint8Array.from(ds.labels)));
  const svc = await openService({ dataDir: dir, door: 'browser' });
  const { jobId } = value(await dispatch(svc, 'datasets:import', { kind: 'idx', path: images, labelsPath: labels }));
  datasetId = (await svc.waitForJob(jobId)).datasetId!;
  await svc.close();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runArgs = (threads: number) => ({ datasetId, backend: 'wasm' as const, config: { ...config, threads } });

const lastCheckpoint = (runId: number, file: string) => readFileSync(join(dir, 'runs', String(runId), 'checkpoints', 'epoch-0003', file));

describe('resume after a kill -9', () => {
  it.each([1, 2])('with %i thread(s) gives the uninterrupted run bit for bit', { timeout: 120_000 }, async (threads) => {
    // killed in epoch 2, after epoch 1's checkpoint is recorded
    const child = startChild(dir, 'runs:start', runArgs(threads));
    const { result } = await child.next<{ result: Result<{ runId: number }> }>((l) => 'result' in l);
    const killed = { runId: value(result).runId };
    await child.next((l) => l.epoch === 1);
    await child.kill9();
    expect(child.proc.signalCode).toBe('SIGKILL');

    const svc = await openService({ dataDir: dir, door: 'browser' });
    let metrics: (number | null)[][][];
    let straightId: number;
    try {
      expect(value(await dispatch(svc, 'runs:get', { runId: killed.runId })).status).toBe('interrupted');
      const resumed = value(await dispatch(svc, 'runs:resume', { runId: killed.runId }));
      expect((await svc.waitForJob(resumed.jobId)).status).toBe('done');
      const straight = value(await dispatch(svc, 'runs:start', runArgs(threads)));
      expect((await svc.waitForJob(straight.jobId)).status).toBe('done');
      straightId = straight.runId;
      const epochs = async (runId: number) =>
        value(await dispatch(svc, 'runs:metrics', { runId, kind: 'epoch' })).map((m) => [m.epoch, m.loss, m.heldOut]);
      metrics = [await epochs(straightId), await epochs(killed.runId)];
    } finally {
      await svc.close();
    }
    for (const file of ['weights.bin', 'optimizer.bin']) {
      const a = lastCheckpoint(straightId, file);
      const b = lastCheckpoint(killed.runId, file);
      expect(b.length, file).toBe(a.length);
      expect(Buffer.compare(a, b), `${file}: ${differing(a, b)}`).toBe(0);
    }
    expect(metrics[1]).toEqual(metrics[0]);
  });
});

/** How many float32 values differ, and the largest relative difference, for the message. */
function differing(a: Buffer, b: Buffer): string {
  const x = new Float32Array(a.buffer, a.byteOffset, a.length / 4);
  const y = new Float32Array(b.buffer, b.byteOffset, b.length / 4);
  let n = 0;
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) {
      n++;
      worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / Math.max(1e-30, Math.abs(x[i]!)));
    }
  }
  return `${n} of ${x.length} values differ, the largest by ${worst.toExponential(2)} relative`;
}
