// One way to start a worker thread, settle once and cancel, used by every role. Every thread
// starts from one script: the door sets it once (the Electron build's bundled entry), else the
// tsx bootstrap beside this file serves dev and tests; a thread passes it on to the threads it
// starts (workers/entry.ts).
import { Worker, type MessagePort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { AppFailure } from '../../../shared/result';
import { ROLE_LABEL, type FromWorker, type PortRequest, type ToWorker, type WorkerHeader, type WorkerRole } from './protocol.js';

let entry: string | null = null;
/** what a door lends the threads it starts: a port by name, made on request */
const providers = new Map<string, (detail?: string) => Promise<MessagePort>>();

/** The script every worker thread starts from; a door that bundles its own calls this once. */
export function setWorkerEntry(path: string | undefined): void {
  entry = path ?? null;
}

export function workerEntry(): string {
  return entry ?? fileURLToPath(new URL('./bootstrap.mjs', import.meta.url));
}

/**
 * Lends every worker this thread starts a port by name, made when one asks (the Electron door
 * lends the trainer page's port: only the main process can open a window).
 */
export function providePort(name: string, open: (detail?: string) => Promise<MessagePort>): void {
  providers.set(name, open);
}

/** Starts a long-lived thread for a role that speaks its own protocol (grad, grids). */
export function startWorker(role: WorkerRole, data: object): Worker {
  const header: WorkerHeader = { role, entry: workerEntry(), ports: [...providers.keys()] };
  const worker = new Worker(header.entry, { workerData: { ...data, ...header } });
  worker.on('message', (m: PortRequest) => {
    if (m?.type !== 'port-request') return;
    const open = providers.get(m.name);
    if (!open) return worker.postMessage({ type: 'port-error', id: m.id, message: `no port named ${m.name}` } satisfies ToWorker);
    open(m.detail).then(
      (port) => worker.postMessage({ type: 'port', id: m.id, port } satisfies ToWorker, [port]),
      (err: unknown) =>
        worker.postMessage({ type: 'port-error', id: m.id, message: err instanceof Error ? err.message : String(err) } satisfies ToWorker),
    );
  });
  return worker;
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
    worker.on('message', (m: FromWorker<R, P> | PortRequest) => {
      if (m.type === 'port-request') return;
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
