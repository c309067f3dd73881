// A trainer page reached through a MessagePort a door lends the training thread (workers/ports.ts):
// the desktop app's hidden window, or a person's browser tab in browser mode. The door relays the
// port to the page and ends the page's side when the port closes.
import type { MessagePort } from 'node:worker_threads';
import type { PageConnection } from './page-connection.js';

/** `gone`: what is known of why, when the far side closes the port first */
export function portConnection(port: MessagePort, gone: string): PageConnection {
  // one handler at a time: a later onFrame takes over from the one before
  let handler: ((frame: ArrayBuffer) => void) | null = null;
  port.on('message', (data: ArrayBuffer) => handler?.(data));
  const closed = new Promise<string>((resolve) => port.once('close', () => resolve(gone)));
  return {
    channel: {
      send: (frame) => port.postMessage(frame, [frame]),
      onFrame: (f) => {
        handler = f;
      },
    },
    closed,
    close: async () => port.close(),
  };
}
