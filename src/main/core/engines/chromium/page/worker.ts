// The trainer in a dedicated worker of a person's own browser tab (browser mode: "this
// browser's GPU"). The tab posts it the address of the server's /trainer socket, with the app's
// token and the claim it will start the training with; the worker connects, says so, and serves
// the same trainer as the page (trainer.ts) until the server closes the socket.
import type { TabToTrainer, TrainerToTab } from '../../../../../shared/trainer-worker.js';
import { socketChannel } from './socket-channel.js';
import { servePageTrainer } from './trainer.js';

/** the parts of a dedicated worker's global scope used here (the DOM typings lack the worker's) */
interface WorkerScope {
  postMessage(m: TrainerToTab): void;
  onmessage: ((e: MessageEvent<TabToTrainer>) => void) | null;
}

const scope = self as unknown as WorkerScope;
const tell = (m: TrainerToTab): void => scope.postMessage(m);

scope.onmessage = (e: MessageEvent<TabToTrainer>) => {
  scope.onmessage = null;
  socketChannel(e.data.url).then(
    (channel) => {
      channel.socket.addEventListener('close', (c) => tell({ type: 'closed', reason: c.reason }));
      tell({ type: 'connected' });
      return servePageTrainer(channel);
    },
    (err: unknown) => tell({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
  );
};
