// The renderer's one door to the service. In Electron the preload gives us window.api; in
// browser mode we build the same object over the WebSocket bridge at /api. Nothing else in
// the renderer knows which one it talks to.
import type { Api, EventName, Events, Method } from '../../../shared/contract';
import { fail, type Result } from '../../../shared/result';
import { decodeFrame, encodeFrame, type WireMessage } from '../../../shared/wire';
// zod-free name lists: the renderer needs only the names, not the schemas
import { eventNameList, methodNameList } from '../../../shared/names';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'lost';

type Listener = (payload: unknown) => void;

/** Seconds before a call gives up; long computations get more room. */
const TIMEOUTS: Partial<Record<Method, number>> = {
  'datasets:probe': 120,
  'explore:dims': 300,
  'explore:scatter': 300,
  'explore:evaluate': 1800,
  'explore:outliers': 900,
  'export:grid': 300,
  'export:metrics': 120,
  'export:model': 300,
  'export:animation': 300,
};
const DEFAULT_TIMEOUT = 60;

export interface SocketApiOptions {
  url: string;
  /** notified when the socket opens, drops, reconnects or is lost for good */
  onState?: (state: ConnectionState, message?: string) => void;
}

export function socketUrl(loc: Location): string {
  const token = new URLSearchParams(loc.search).get('token') ?? '';
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/api?token=${encodeURIComponent(token)}`;
}

/** The contract over a WebSocket: named methods, on() with unsubscribe, one reconnect. */
export function createSocketApi(opts: SocketApiOptions): Api {
  const listeners = new Map<string, Set<Listener>>();
  const pending = new Map<number, { resolve: (r: Result<unknown>) => void; timer: ReturnType<typeof setTimeout>; method: string }>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let ready: Promise<WebSocket | null>;
  let reconnectsLeft = 1;
  let everOpened = false;
  let lostMessage = '';

  const setState = (s: ConnectionState, message?: string): void => opts.onState?.(s, message);

  function settleAll(message: string): void {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.resolve(fail('internal', `${p.method}: ${message}`));
      pending.delete(id);
    }
  }

  function connect(): Promise<WebSocket | null> {
    return new Promise((resolve) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(opts.url);
      } catch (err) {
        lostMessage = `cannot open ${opts.url.replace(/token=[^&]*/, 'token=…')}: ${String(err)}`;
        setState('lost', lostMessage);
        return resolve(null);
      }
      let opened = false;
      // grids come as binary frames (bin: true on every call); their tiles are views into this buffer
      ws.binaryType = 'arraybuffer';
      // close always follows an error and says what happened; nothing to do here
      ws.onerror = () => {};
      ws.onopen = () => {
        opened = true;
        everOpened = true;
        socket = ws;
        setState('open');
        resolve(ws);
      };
      ws.onmessage = (ev: MessageEvent) => {
        let msg: WireMessage;
        try {
          msg = decodeFrame(typeof ev.data === 'string' ? ev.data : (ev.data as ArrayBuffer)) as WireMessage;
        } catch {
          return;
        }
        if (msg.t === 'result') {
          const p = pending.get(msg.id);
          if (!p) return; // timed out already
          pending.delete(msg.id);
          clearTimeout(p.timer);
          p.resolve(msg.result as Result<unknown>);
        } else if (msg.t === 'event') {
          for (const l of listeners.get(msg.event) ?? []) {
            try {
              l(msg.payload);
            } catch (err) {
              console.error(`listener for ${msg.event} failed`, err);
            }
          }
        }
      };
      ws.onclose = (ev: CloseEvent) => {
        socket = null;
        if (!opened) {
          // refused at the handshake: a wrong token, or no server
          lostMessage = everOpened
            ? 'The connection to the Latent Lab server was lost and could not be re-established.'
            : 'Could not connect to the Latent Lab server. Is it still running, and is the token in the address the one it printed?';
          setState('lost', lostMessage);
          settleAll(lostMessage);
          return resolve(null);
        }
        settleAll(`the connection to the server closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ''}) before it answered`);
        if (reconnectsLeft > 0) {
          reconnectsLeft--;
          setState('reconnecting');
          ready = new Promise((r) => setTimeout(() => void connect().then(r), 300));
        } else {
          lostMessage = 'The connection to the Latent Lab server was lost.';
          setState('lost', lostMessage);
          ready = Promise.resolve(null);
        }
      };
    });
  }

  setState('connecting');
  ready = connect();

  async function call(method: Method, args: unknown): Promise<Result<unknown>> {
    const ws = socket ?? (await ready);
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return fail(
        'internal',
        `${method}: not connected to the server${lostMessage ? ` (${lostMessage})` : ''}; reload the page to try again`,
      );
    }
    const id = nextId++;
    const seconds = TIMEOUTS[method] ?? DEFAULT_TIMEOUT;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(fail('internal', `${method} got no answer from the server within ${seconds} s`));
      }, seconds * 1000);
      pending.set(id, { resolve, timer, method });
      const msg: WireMessage = { t: 'call', id, method, args: args ?? {}, bin: true };
      ws.send(encodeFrame(msg));
    });
  }

  const api: Record<string, unknown> = { door: 'browser' };
  for (const m of methodNameList) api[m] = (args?: unknown) => call(m, args);
  api.on = (event: EventName, listener: Listener) => {
    if (!(eventNameList as readonly string[]).includes(event)) throw new Error(`api.on: unknown event "${event}"`);
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  };
  return api as unknown as Api;
}

/** Unwrap a Result, throwing an ApiError the shared handleError understands. */
export class ApiError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new ApiError(r.error.code, r.error.message);
}

/** Helper type so views can write `EventOf<'job:progress'>`. */
export type EventOf<E extends EventName> = Events[E];

/** Electron's preload when present, the WebSocket bridge otherwise. */
export function pickApi(onState: (state: ConnectionState, message?: string) => void): Api {
  if (typeof window !== 'undefined' && window.api) {
    onState('open');
    return window.api;
  }
  return createSocketApi({ url: socketUrl(window.location), onState });
}
