// Browser mode's own GPU. A person's tab opens a trainer (a dedicated worker on its WebGPU,
// engines/chromium/page/worker.ts) that connects here with the app's token and a claim of its
// own, then asks for a training with that claim. The training thread asks for the trainer by its
// claim (providePort), and this relays frames between the tab's socket and the thread's port.
// A tab that closes closes the port, which interrupts the run (engines/chromium/browser-tab.ts).
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { RawData, WebSocket } from 'ws';
import { BROWSER_TRAINER_PORT } from './core/engines/chromium/browser-tab';
import { providePort } from './core/workers/run';

/** the same rule as runs:start's browserTrainer */
const CLAIM = /^[A-Za-z0-9-]{16,64}$/;
/** trainers connected and not yet training, over every tab: a tab opens one just before it asks */
const MAX_WAITING = 8;
/** a trainer no training claims this long after it connected is closed (its tab's start failed) */
const UNCLAIMED_MS = 120_000;

interface Waiting {
  ws: WebSocket;
  /** what the trainer said before a training claimed it (its adapter) */
  frames: ArrayBuffer[];
  timer: NodeJS.Timeout;
  forget(): void;
}

const waiting = new Map<string, Waiting>();

export function claimValid(claim: string | null): claim is string {
  return claim !== null && CLAIM.test(claim);
}

/** Why a trainer socket is refused, or null when it may wait for its training. */
export function trainerRefusal(claim: string): string | null {
  if (waiting.has(claim)) return 'a trainer with this claim is connected already';
  if (waiting.size >= MAX_WAITING) return `${MAX_WAITING} trainers are waiting for a training already`;
  return null;
}

/** Holds a trainer's socket (its token checked) until a training claims it. */
export function acceptTrainer(ws: WebSocket, claim: string): void {
  const refusal = trainerRefusal(claim);
  if (refusal) return ws.close(1008, refusal);
  const frames: ArrayBuffer[] = [];
  const onMessage = (data: RawData, isBinary: boolean): void => {
    if (!isBinary) return ws.close(1003, 'a trainer speaks in binary frames');
    frames.push(toArrayBuffer(data));
  };
  const forget = (): void => {
    clearTimeout(entry.timer);
    ws.off('message', onMessage);
    ws.off('close', forget);
    if (waiting.get(claim) === entry) waiting.delete(claim);
  };
  const entry: Waiting = {
    ws,
    frames,
    timer: setTimeout(() => {
      forget();
      ws.close(1000, 'no training claimed this trainer');
    }, UNCLAIMED_MS),
    forget,
  };
  ws.on('message', onMessage);
  ws.on('close', forget);
  waiting.set(claim, entry);
}

/** Closes the waiting trainers of these sockets (a server that closes). */
export function dropTrainers(sockets: Set<WebSocket>): void {
  for (const entry of [...waiting.values()]) if (sockets.has(entry.ws)) entry.forget();
}

async function lend(claim?: string): Promise<MessagePort> {
  const entry = claim === undefined ? undefined : waiting.get(claim);
  if (!entry)
    throw new Error(
      "the browser tab's trainer is not connected (the tab closed, or its trainer stopped); start the training from the tab again",
    );
  entry.forget();
  const { ws } = entry;
  const { port1, port2 } = new MessageChannel();
  for (const frame of entry.frames) port1.postMessage(frame);
  ws.on('message', (data: RawData) => port1.postMessage(toArrayBuffer(data)));
  port1.on('message', (frame: ArrayBuffer) => ws.send(frame));
  ws.on('close', () => port1.close());
  port1.on('close', () => ws.close(1000, 'the training ended'));
  return port2;
}

function toArrayBuffer(data: RawData): ArrayBuffer {
  const b = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  // a copy: the socket's buffers may share memory with others
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

let lent = false;

/** Lends the training threads this process starts the trainers browser tabs open (once per process). */
export function lendBrowserTrainers(): void {
  if (lent) return;
  lent = true;
  providePort(BROWSER_TRAINER_PORT, lend);
}
