// The table from worker role to the module that runs it. Every role is loaded with a dynamic
// import, so a thread compiles only its own role's code, and after its priority is set: loading
// a role is a second of CPU that must not compete with the app at normal priority.
// ARCHITECTURE.md's threads table says who starts each role.
import type { MessagePort } from 'node:worker_threads';
import type { WorkerRole } from './protocol.js';
import type { Work } from './settle.js';

export type RoleModule =
  /** runs once and settles through runInWorker's protocol */
  | { kind: 'settle'; work: Work<never, unknown, unknown> }
  /** long-lived, speaking its own protocol over the port */
  | { kind: 'serve'; serve: (data: never, port: MessagePort) => Promise<void> };

export interface Role {
  /** background roles lower their thread's priority; the grid thread answers a person, so it keeps it */
  priority: 'background' | 'normal';
  load(): Promise<RoleModule>;
}

const settling = (work: Work<never, unknown, unknown>): RoleModule => ({ kind: 'settle', work });
const serving = (serve: (data: never, port: MessagePort) => Promise<void>): RoleModule => ({ kind: 'serve', serve });

export const ROLES: Record<WorkerRole, Role> = {
  train: { priority: 'background', load: async () => settling((await import('../train/host.js')).trainWork) },
  grad: { priority: 'background', load: async () => serving((await import('../train/grad-worker.js')).runGradWorker) },
  grids: { priority: 'normal', load: async () => serving((await import('../handlers/grids/thread-worker.js')).runGridThread) },
  evaluate: { priority: 'background', load: async () => settling((await import('../explore/worker-side.js')).evaluateWork) },
  outliers: { priority: 'background', load: async () => settling((await import('../explore/worker-side.js')).outliersWork) },
  umap: { priority: 'background', load: async () => settling((await import('../explore/umap.js')).umapWork) },
};
