// One way to start a worker thread, settle once and cancel, used by every role. Every thread
// starts from one script: the door sets it once (the Electron build's bundled entry), else the
// tsx bootstrap beside this file serves dev and tests; a thread passes it on to the threads it
// starts (workers/entry.ts).
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { AppFailure } from '../../../shared/result';
import { ROLE_LABEL, type FromWorker, type ToWorker, type WorkerHeader, type WorkerRole } from './protocol.js';

let entry: string | null = null;

/** The script every worker thread starts from; a door that bundles its own calls this once. */
export function setWorkerEntry(path: string | undefined): void {
  entry = path ?? null;
}

export function workerEntry(): string {
  return entry ?? fileURLToPath(new URL('./bootstrap.mjs', import.meta.url));
}

/** Starts a long-lived thread for a role that speaks its own protocol (grad, grids). */
export function startWorker(role: WorkerRole, data: object): Worker {
  const header: WorkerHeader = { role, entry: workerEntry() };
  return new Worker(header.entry, { workerData: { ...data, ...header } });
}

export interface RunOptions<P> {
  signal?: AbortSignal;
  onProgress?: (p: P) => void;
  /**
   * How long a cancelled worker may take to settle by itself (a training saves nothing on
   * cancel, but ends its step and reports how far it got); 0 terminates it at once.
   */
  graceMs?: number;
}

export function abortError(role: WorkerRole): Error {
  return Object.assign(new Error(`${ROLE_LABEL[role]} cancelled`), { name: 'AbortError' });
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/**
 * Runs a settling role in a new worker thread: resolves with its result, rejects with its
 * error (an AppFailure keeps its code), or with an AbortError when the signal ends it.
 */
export function runInWorker<R, P = never>(role: WorkerRole, spec: object, o: RunOptions<P> = {}): Promise<R> {
  const label = ROLE_LABEL[role];
  return new Promise<R>((resolve, reject) => {
    const { signal } = o;
    if (signal?.aborted) return reject(abortError(role));
    const worker = startWorker(role, spec);
    let settled = false;
    let killTimer: NodeJS.Timeout | null = null;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    const stop = (): void => {
      void worker.terminate();
      finish(() => reject(abortError(role)));
    };
    const onAbort = (): void => {
      if (!o.graceMs) return stop();
      worker.postMessage({ type: 'cancel' } satisfies ToWorker);
      killTimer = setTimeout(stop, o.graceMs);
    };
    worker.on('message', (m: FromWorker<R, P>) => {
      if (m.type === 'progress') {
        if (!settled) o.onProgress?.(m.progress);
      } else if (m.type === 'done') finish(() => resolve(m.result));
      else finish(() => reject(m.code ? new AppFailure(m.code, m.message) : new Error(m.message)));
    });
    worker.on('error', (err) => finish(() => reject(new Error(`${label} worker failed: ${err.message}`))));
    worker.on('exit', (code) =>
      finish(() => reject(signal?.aborted ? abortError(role) : new Error(`${label} worker exited (code ${code}) before it finished`))),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
