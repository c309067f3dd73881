// Long work (imports, training) as jobs: keyed by id, each with an AbortController, progress
// throttled to ~10 per second, and exactly one `finished` per job. `wait(id)` serves callers
// that want the ending as a promise (the CLI, tests); the endings kept for late waiters are
// bounded, since in the app and browser mode nobody waits and they would pile up forever.
import { randomUUID } from 'node:crypto';
import { AppFailure, type JobFinished, type JobProgress } from '../../shared/contract';

/** Endings kept for a `wait` that comes after the job ended (a CLI awaits between start and wait). */
export const KEEP_FINISHED = 64;

export interface JobHooks {
  progress(p: JobProgress): void;
  finished(f: JobFinished): void;
}

interface Job {
  id: string;
  kind: JobProgress['kind'];
  controller: AbortController;
  last: JobProgress;
  lastSent: number;
  runId?: number;
  datasetId?: number;
}

export class JobRunner {
  private jobs = new Map<string, Job>();
  private waiters = new Map<string, ((f: JobFinished) => void)[]>();
  /** the latest endings, oldest first (a Map keeps insertion order) */
  private ended = new Map<string, JobFinished>();

  constructor(
    private hooks: JobHooks,
    private minIntervalMs = 100,
    private clock: () => number = Date.now,
  ) {}

  /** Starts `work` in the background; its returned message becomes the finished event's. */
  start(
    kind: JobProgress['kind'],
    title: string,
    ids: { runId?: number; datasetId?: number },
    work: (job: {
      id: string;
      signal: AbortSignal;
      progress: (p: Partial<JobProgress>) => void;
    }) => Promise<{ message: string; datasetId?: number }>,
  ): string {
    const id = randomUUID();
    const controller = new AbortController();
    const job: Job = {
      id,
      kind,
      controller,
      runId: ids.runId,
      datasetId: ids.datasetId,
      lastSent: 0,
      last: { jobId: id, kind, ...ids, title, done: 0, total: 0, etaSec: null, rate: null, rateUnit: '', detail: '' },
    };
    this.jobs.set(id, job);
    const progress = (p: Partial<JobProgress>): void => {
      job.last = { ...job.last, ...p, jobId: id, kind };
      const t = this.clock();
      if (t - job.lastSent >= this.minIntervalMs || job.last.done === job.last.total) {
        job.lastSent = t;
        this.hooks.progress(job.last);
      }
    };
    // Deferred so the caller gets the job id before any event about it.
    setImmediate(() => {
      work({ id, signal: controller.signal, progress })
        .then(
          (r) => this.finish(job, controller.signal.aborted ? 'cancelled' : 'done', r.message, r.datasetId),
          (err: unknown) => {
            const aborted = controller.signal.aborted || (err instanceof Error && err.name === 'AbortError');
            this.finish(job, aborted ? 'cancelled' : 'failed', aborted ? 'cancelled' : err instanceof Error ? err.message : String(err));
          },
        )
        .catch(() => undefined);
    });
    return id;
  }

  /**
   * Runs `work` as a job (listed, with progress, cancelled by jobs:cancel) for a caller that
   * waits for its value: resolves with it, or rejects with what the work threw (a cancel: an
   * AppFailure 'cancelled').
   */
  run<T>(
    kind: JobProgress['kind'],
    title: string,
    ids: { runId?: number; datasetId?: number },
    work: (job: { id: string; signal: AbortSignal; progress: (p: Partial<JobProgress>) => void }) => Promise<T>,
    message: (value: T) => string,
  ): Promise<T> {
    let value: { v: T } | null = null;
    let error: unknown = null;
    const id = this.start(kind, title, ids, async (job) => {
      try {
        value = { v: await work(job) };
      } catch (err) {
        error = err;
        throw err;
      }
      return { message: message(value.v) };
    });
    return this.wait(id).then((f) => {
      if (f.status === 'done' && value) return value.v;
      if (f.status === 'cancelled') throw new AppFailure('cancelled', `${title}: cancelled`);
      throw error instanceof Error ? error : new Error(f.message);
    });
  }

  private finish(job: Job, status: JobFinished['status'], message: string, datasetId?: number): void {
    if (!this.jobs.delete(job.id)) return;
    const f: JobFinished = { jobId: job.id, kind: job.kind, runId: job.runId, datasetId: datasetId ?? job.datasetId, status, message };
    this.ended.set(job.id, f);
    if (this.ended.size > KEEP_FINISHED) this.ended.delete(this.ended.keys().next().value!);
    const waiting = this.waiters.get(job.id) ?? [];
    this.waiters.delete(job.id);
    this.hooks.finished(f);
    for (const w of waiting) w(f);
  }

  /** Resolves with the job's one ending, whether it is still running or ended a moment ago. */
  wait(id: string): Promise<JobFinished> {
    const ended = this.ended.get(id);
    if (ended) return Promise.resolve(ended);
    if (!this.jobs.has(id)) return Promise.reject(new AppFailure('not-found', `no job ${id} is running or ended lately`));
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }

  /** How many endings are kept for late waiters (bounded by KEEP_FINISHED). */
  keptEndings(): number {
    return this.ended.size;
  }

  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job) return false;
    job.controller.abort();
    return true;
  }

  list(): JobProgress[] {
    return [...this.jobs.values()].map((j) => j.last);
  }

  jobForRun(runId: number): string | null {
    for (const j of this.jobs.values()) if (j.runId === runId) return j.id;
    return null;
  }

  running(kind: JobProgress['kind']): Job[] {
    return [...this.jobs.values()].filter((j) => j.kind === kind);
  }

  /** Aborts everything and waits (bounded) for the jobs to end. */
  async shutdown(timeoutMs = 5000): Promise<void> {
    for (const j of this.jobs.values()) j.controller.abort();
    const until = Date.now() + timeoutMs;
    while (this.jobs.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }
}
