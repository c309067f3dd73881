// explore:outliers as a job in a worker thread: scoring every test image of MNIST
// (10,000 of them) through the reference 784-400-20 MLP VAE takes a second or more of compute,
// which on the serving thread froze every socket. Measured from outside a real browser-mode
// server process: app:info on another socket answers within 50 ms (p99) while the outliers
// compute; the job is listed with progress by images scored, jobs:cancel stops it, and the
// call still resolves with the outliers, as the Evaluate tab awaits them.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobProgress, Result, RunInfo } from '../../src/shared/contract';
import { withDataDir } from '../cli/harness';
import { percentile, startLoadClients } from '../server/load-clients';
import { startServerChild, type ServerChild } from '../server/server-child';
import { Client, connect } from '../server/ws-client';

const exec = promisify(execFile);
const folder = withDataDir('ll-outliers-job-');
let server: ServerChild;
let runId = 0;

function value<T>(r: Result<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

beforeAll(async () => {
  const cli = (...args: string[]) =>
    exec(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../src/main/cli.ts'), ...args, '--data-dir', folder.dir()]);
  await cli('import', 'mnist');
  // the model's size is what makes the scoring slow; 1,000 training images are enough for a checkpoint
  await cli('train', '--dataset', 'MNIST digits', '--latent', '20', '--hidden', '400', '--epochs', '1', '--limit', '1000');
  server = await startServerChild(folder.dir());
  const c = new Client(await connect(server.url));
  runId = value<RunInfo[]>(await c.call('runs:list'))[0]!.id;
  c.ws.close();
}, 300_000);

afterAll(async () => {
  await server?.stop();
});

async function outliersJob(c: Client): Promise<JobProgress> {
  for (const end = Date.now() + 20_000; Date.now() < end;) {
    const job = value<JobProgress[]>(await c.call('jobs:list')).find((j) => j.kind === 'explore');
    if (job) return job;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('no explore job was listed');
}

describe('explore:outliers as a job', () => {
  it('leaves app:info on another socket fast while it scores the MNIST test split, then gives the outliers', async () => {
    const asker = new Client(await connect(server.url));
    // the first app:info of a process probes the GPU (Dawn loaded on the serving thread, once): not what this measures
    value(await asker.call('app:info'));
    const other = startLoadClients({ url: server.url, clients: [{ label: 'app:info', method: 'app:info', args: {}, intervalMs: 5 }] });
    await other.ready;
    const t0 = Date.now();
    const outliers = value<{ indices: number[]; scores: number[] }>(await asker.call('explore:outliers', { runId, limit: 32 }));
    const seconds = (Date.now() - t0) / 1000;
    const report = await other.stop();
    const latencies = report.latencies['app:info']!;
    console.log(
      `outliers over the MNIST test split: ${seconds.toFixed(1)} s; app:info meanwhile (every 5 ms, from its time on the schedule): ${latencies.length} calls, p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
    expect(report.failures['app:info']).toEqual([]);
    expect(percentile(latencies, 0.99)).toBeLessThan(50);
    expect(latencies.length).toBeGreaterThan(10);

    expect(outliers.indices).toHaveLength(32);
    expect(new Set(outliers.indices).size).toBe(32);
    for (let i = 1; i < 32; i++) expect(outliers.scores[i]!).toBeLessThanOrEqual(outliers.scores[i - 1]!);
    // progress by images scored, over the whole test split (MNIST's own 10,000)
    const progress = asker.events.filter((e) => e.event === 'job:progress').map((e) => e.payload as JobProgress);
    expect(progress.some((p) => p.total === 10_000 && /scored \d+ of 10000 test images/.test(p.detail))).toBe(true);
    expect(value<JobProgress[]>(await asker.call('jobs:list'))).toEqual([]);
    asker.ws.close();
  });

  it('is stopped by jobs:cancel', async () => {
    const c = new Client(await connect(server.url));
    const call = c.call('explore:outliers', { runId });
    const job = await outliersJob(c);
    expect(job.title).toMatch(/^Finding the outliers of /);
    const s = Date.now();
    expect(value(await c.call('jobs:cancel', { jobId: job.jobId }))).toEqual({ cancelled: true });
    const r = await call;
    expect(!r.ok && r.error.code).toBe('cancelled');
    expect(Date.now() - s).toBeLessThan(2000);
    c.ws.close();
  });

  it('says a missing run as before', async () => {
    const c = new Client(await connect(server.url));
    const r = await c.call('explore:outliers', { runId: 999 });
    expect(!r.ok && r.error.code).toBe('not-found');
    c.ws.close();
  });
});
