// explore:evaluate as a job in a worker thread: while an IWAE evaluation computes,
// the thread that serves calls stays free (grids and app:info answer fast, measured here);
// the job is listed with progress, jobs:cancel stops it, and its result is the one the caller
// waits for, as the CLI and the Evaluate tab do.
import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../../src/shared/contract';
import { invoke } from '../../src/main/dispatch';
import { value, withTinyRun } from '../export/tiny-run';

const t = withTinyRun('ll-evaluate-job-', 2);

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

/** The evaluation's job, as jobs:list shows it (within 10 s). */
async function evaluationJob(): Promise<JobProgress> {
  for (const end = Date.now() + 10_000; Date.now() < end;) {
    const job = (await t.svc()['jobs:list']({})).find((j) => j.kind === 'explore');
    if (job) return job;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('no explore job was listed');
}

describe('explore:evaluate as a job', () => {
  it('leaves grids and app:info fast while it computes, then gives its result', async () => {
    // app:info's first answer waits for the engines' probes (Dawn and python, in child
    // processes): a one-time cost of its own, not a wait behind the evaluation
    value(await invoke(t.svc(), 'app:info', {}));
    const progress: JobProgress[] = [];
    const off = t.svc().on('job:progress', (p) => void (p.kind === 'explore' && progress.push(p)));
    const t0 = Date.now();
    const call = invoke(t.svc(), 'explore:evaluate', { runId: t.runId(), iwae: 50, limit: 300 });
    let done = false;
    void call.then(() => (done = true));
    await evaluationJob();
    const latencies: number[] = [];
    while (!done) {
      const s = performance.now();
      value(await invoke(t.svc(), 'explore:grid', { kind: 'samples', runId: t.runId(), n: 16 }));
      value(await invoke(t.svc(), 'app:info', {}));
      latencies.push(performance.now() - s);
      await new Promise((r) => setTimeout(r, 10));
    }
    off();
    const ev = value(await call);
    const seconds = (Date.now() - t0) / 1000;
    console.log(
      `evaluate k=50 over 300 images: ${seconds.toFixed(1)} s; grid+app:info meanwhile: ${latencies.length} calls, p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms`,
    );
    expect(ev).toMatchObject({ runId: t.runId(), images: 300, k: 50 });
    expect(ev.iwae!).toBeLessThanOrEqual(ev.elbo + 1e-3); // nats: the bound is tighter
    expect(latencies.length).toBeGreaterThan(5);
    expect(percentile(latencies, 0.99)).toBeLessThan(250);
    expect(progress.some((p) => /IWAE bound, k = 50/.test(p.detail))).toBe(true);
    expect((await t.svc()['jobs:list']({})).length).toBe(0);
  });

  it('is stopped by jobs:cancel', async () => {
    const call = invoke(t.svc(), 'explore:evaluate', { runId: t.runId(), iwae: 5000 });
    const job = await evaluationJob();
    expect(job.title).toMatch(/^Evaluating .* \(IWAE, k = 5000\)$/);
    const s = Date.now();
    expect(await t.svc()['jobs:cancel']({ jobId: job.jobId })).toEqual({ cancelled: true });
    const r = await call;
    expect(!r.ok && r.error.code).toBe('cancelled');
    expect(Date.now() - s).toBeLessThan(2000);
  });

  it('says a missing run as before', async () => {
    const r = await invoke(t.svc(), 'explore:evaluate', { runId: 999 });
    expect(!r.ok && r.error.code).toBe('not-found');
  });
});
