// A test's WebSocket client of browser mode: open a socket (or learn why it was refused), make
// contract calls over it and collect the events it is sent.
import WebSocket from 'ws';
import type { Result } from '../../src/shared/contract';
import { decodeWire, encodeWire, type WireMessage } from '../../src/shared/wire';

/** Opens a socket; resolves with it, or rejects with the HTTP status of a refused handshake. */
export function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

export class Client {
  private next = 1;
  private waiting = new Map<number, (r: Result<unknown>) => void>();
  events: { event: string; payload: unknown }[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = decodeWire(data.toString()) as WireMessage;
      if (msg.t === 'result') this.waiting.get(msg.id)?.(msg.result as Result<unknown>);
      else if (msg.t === 'event') this.events.push({ event: msg.event, payload: msg.payload });
    });
  }
  call(method: string, args: unknown = {}): Promise<Result<unknown>> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(encodeWire({ t: 'call', id, method, args } satisfies WireMessage));
    });
  }
  async until(pred: (e: { event: string; payload: unknown }) => boolean, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!this.events.some(pred)) {
      if (Date.now() > end) throw new Error(`no matching event in ${ms} ms; got ${this.events.map((e) => e.event).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
