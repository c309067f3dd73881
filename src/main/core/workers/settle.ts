// The worker's side of runInWorker: runs a role's work function with a signal that a cancel
// message aborts, posts its progress, then exactly one result or error, and lets the thread end.
import type { MessagePort } from 'node:worker_threads';
import { AppFailure } from '../../../shared/result';
import type { FromWorker, ToWorker, WorkerIo } from './protocol.js';

export type Work<S, R, P> = (spec: S, io: WorkerIo<P>) => Promise<R> | R;

export async function settle<S, R, P>(work: Work<S, R, P>, spec: S, port: MessagePort): Promise<void> {
  const post = (m: FromWorker<R, P>): void => port.postMessage(m);
  const controller = new AbortController();
  port.on('message', (m: ToWorker) => {
    if (m?.type === 'cancel') controller.abort();
  });
  try {
    const result = await work(spec, { signal: controller.signal, progress: (progress) => post({ type: 'progress', progress }) });
    post({ type: 'done', result });
  } catch (err) {
    post({ type: 'error', code: err instanceof AppFailure ? err.code : null, message: err instanceof Error ? err.message : String(err) });
  }
  port.close();
}
