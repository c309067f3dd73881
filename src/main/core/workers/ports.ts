// The worker's side of providePort: asks the thread that started it for a port by name.
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { PortRequest, ToWorker, WorkerHeader } from './protocol.js';

let nextId = 1;

/** Whether the thread that started this one lends a port of that name. */
export function portProvided(name: string): boolean {
  return !isMainThread && ((workerData as Partial<WorkerHeader> | null)?.ports ?? []).includes(name);
}

/** `detail` says which one, where a door lends many under one name (the browser tab's trainer). */
export function requestPort(name: string, detail?: string): Promise<MessagePort> {
  const parent = parentPort;
  if (!parent || !portProvided(name)) return Promise.reject(new Error(`no port named ${name} is lent to this thread`));
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (m: ToWorker): void => {
      if ((m?.type !== 'port' && m?.type !== 'port-error') || m.id !== id) return;
      parent.off('message', onMessage);
      if (m.type === 'port') resolve(m.port);
      else reject(new Error(m.message));
    };
    parent.on('message', onMessage);
    parent.postMessage({ type: 'port-request', id, name, ...(detail !== undefined ? { detail } : {}) } satisfies PortRequest);
  });
}
