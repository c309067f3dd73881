// What a browser tab and its trainer worker (engines/chromium/page/worker.ts) say to each other;
// the training itself goes between the worker and the server (engines/chromium/protocol.ts).

export interface TabToTrainer {
  /** ws(s)://host/trainer?token=…&claim=… */
  url: string;
}

export type TrainerToTab =
  | { type: 'connected' }
  /** the server closed the socket: the training ended (or the server went) */
  | { type: 'closed'; reason: string }
  | { type: 'failed'; message: string };
