// What a worker thread and the thread that started it say to each other, for every role that
// runs once and settles (train, evaluate, outliers, umap). The long-lived roles (grad, grids)
// keep protocols of their own (train/parallel-protocol.ts, handlers/grids/thread-protocol.ts).
import type { ErrorCode } from '../../../shared/result';

/** Every kind of worker thread the app starts; workers/roles.ts says which module runs each. */
export type WorkerRole = 'train' | 'grad' | 'grids' | 'evaluate' | 'outliers' | 'umap';

/** How a role is named in messages a person may read ("the training worker exited ..."). */
export const ROLE_LABEL: Record<WorkerRole, string> = {
  train: 'training',
  grad: 'gradient',
  grids: 'grid',
  evaluate: 'evaluate',
  outliers: 'outliers',
  umap: 'UMAP',
};

/** Fields every worker's data carries beside the role's own spec. */
export interface WorkerHeader {
  role: WorkerRole;
  /** the script this thread started from, so the threads it starts use the same one */
  entry: string;
  /** the ports this thread may ask its parent for (providePort), by name */
  ports: string[];
}

export type ToWorker =
  | { type: 'cancel' }
  | { type: 'port'; id: number; port: import('node:worker_threads').MessagePort }
  | { type: 'port-error'; id: number; message: string };

/** A worker asks its parent for a port by name (workers/ports.ts). */
export interface PortRequest {
  type: 'port-request';
  id: number;
  name: string;
  /** which port of that name, where a door lends many (a browser tab's trainer, by its claim) */
  detail?: string;
}

export type FromWorker<R, P> =
  { type: 'progress'; progress: P } | { type: 'done'; result: R } | { type: 'error'; code: ErrorCode | null; message: string };

/** What a settling role's work function gets: a signal a cancel aborts, and a progress channel. */
export interface WorkerIo<P> {
  signal: AbortSignal;
  progress(p: P): void;
}
