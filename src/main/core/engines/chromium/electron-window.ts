// The trainer page in the desktop app: a hidden, sandboxed window of Electron's own Chromium
// (crash-isolated in its GPU process; Dawn's Node binding cannot run inside Electron). Only the
// main process can open a window, so the training thread asks it for the page's port by name
// (workers/ports.ts); the Electron door lends it (electron/trainer-window.ts).
import type { MessagePort } from 'node:worker_threads';
import { portProvided, requestPort } from '../../workers/ports.js';
import type { PageConnection } from './page-connection.js';
import { portConnection } from './port-connection.js';

/** The name under which the Electron door lends the trainer page's port. */
export const TRAINER_PAGE_PORT = 'trainer-page';

export function electronPageLent(): boolean {
  return portProvided(TRAINER_PAGE_PORT);
}

export async function openElectronPage(signal?: AbortSignal): Promise<PageConnection | null> {
  const port: MessagePort = await requestPort(TRAINER_PAGE_PORT);
  if (signal?.aborted) {
    port.close();
    return null;
  }
  // the main process destroys the window when its end of the port closes
  return portConnection(port, 'the trainer window closed');
}
