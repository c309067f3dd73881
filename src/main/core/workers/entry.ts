// The script every worker thread starts from (the Electron build bundles it as its own entry):
// reads its role from workerData, sets its priority, loads the role's module from the table in
// roles.ts and runs it. Self-contained on purpose: nothing here runs outside a worker thread.
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadPriority } from './priority.js';
import type { WorkerHeader } from './protocol.js';
import { ROLES } from './roles.js';
import { setWorkerEntry } from './run.js';
import { settle } from './settle.js';

const header = workerData as WorkerHeader | null;
const port = parentPort;
if (port && header?.role) {
  const role = ROLES[header.role];
  if (role.priority === 'background') lowerThisThreadPriority();
  // the threads this one starts (a training's gradient threads) start from the same script
  setWorkerEntry(header.entry);
  void role.load().then((m) => (m.kind === 'settle' ? settle(m.work, workerData as never, port) : m.serve(workerData as never, port)));
}
