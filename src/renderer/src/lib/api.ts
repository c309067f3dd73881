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
  /** how often to try again after a drop, in all (default 1), the first wait (300 ms) and the
   *  longest (5 s): each failed try doubles the wait */
  reconnect?: { attempts?: number; firstDelayMs?: number; maxDelayMs?: number };
}

/** The app's own: try again for as long as the page is open, from 0.3 s up to every 5 s. */
export const RECONNECT_FOREVER = { attempts: Infinity, firstDelayMs: 300, maxDelayMs: 5000 };

export function socketUrl(loc: Location): string {
  const token = new URLSearchParams(loc.search).get('token') ?? '';
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/api?token=${encodeURIComponent(token)}`;
}

/** The contract over a WebSocket: named methods, on() with unsubscribe, reconnects with back-off. */
export function createSocketApi(opts: SocketApiOptions): Api {
  const listeners = new Map<string, Set<Listener>>();
  let measured = 0;
  const pending = new Map<
    number,
    { resolve: (r: Result<unknown>) => void; timer: ReturnType<typeof setTimeout>; method: string; sentAt: number }
  >();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let ready: Promise<WebSocket | null>;
  let reconnectsLeft = opts.reconnect?.attempts ?? 1;
  const firstDelay = opts.reconnect?.firstDelayMs ?? 300;
  const maxDelay = opts.reconnect?.maxDelayMs ?? 5000;
  let delay = firstDelay;
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
        delay = firstDelay;
        socket = ws;
        setState('open');
        resolve(ws);
      };
      ws.onmessage = (ev: MessageEvent) => {
        const arrived = performance.now();
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
          // each call's round trip on the page's timeline (DevTools' Timings; bench:ui reads the
          // grids'), the buffer cleared now and then so a long session does not grow it. Its
          // detail: the server's stages (core/timing.ts) and this frame's decoding here
          if (++measured % 2000 === 0) performance.clearMeasures();
          const detail = { stages: msg.stages ?? {}, decode: performance.now() - arrived };
          performance.measure(`api ${p.method}`, { start: p.sentAt, detail });
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
        // a drop, or a try after one that found no server yet: try again while tries are left
        if ((opened || everOpened) && reconnectsLeft > 0) {
          reconnectsLeft--;
          setState('reconnecting');
          if (opened) settleAll(`the connection to the server closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ''}) before it answered`);
          const wait = delay;
          delay = Math.min(maxDelay, delay * 2);
          const next = new Promise<WebSocket | null>((r) => setTimeout(() => void connect().then(r), wait));
          if (opened) ready = next;
          else resolve(next);
          return;
        }
        lostMessage = !everOpened
          ? // refused at the handshake: a wrong token, or no server
            'Could not connect to the Latent Lab server. Is it still running, and is the token in the address the one it printed?'
          : opened
            ? 'The connection to the Latent Lab server was lost.'
            : 'The connection to the Latent Lab server was lost and could not be re-established.';
        setState('lost', lostMessage);
        settleAll(lostMessage);
        if (opened) ready = Promise.resolve(null);
        else resolve(null);
      };
    });
  }

  setState('connecting');
  ready = connect();

  async function call(method: Method, args: unknown): Promise<Result<unknown>> {
    const seconds = TIMEOUTS[method] ?? DEFAULT_TIMEOUT;
    // while a reconnect is under way a call waits for it, but no longer than its own timeout
    let waited: ReturnType<typeof setTimeout> | undefined;
    const ws = socket ?? (await Promise.race([ready, new Promise<null>((r) => (waited = setTimeout(() => r(null), seconds * 1000)))]));
    clearTimeout(waited);
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return fail(
        'internal',
        `${method}: not connected to the server${lostMessage ? ` (${lostMessage})` : ''}; reload the page to try again`,
      );
    }
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(fail('internal', `${method} got no answer from the server within ${seconds} s`));
      }, seconds * 1000);
      pending.set(id, { resolve, timer, method, sentAt: performance.now() });
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
  return createSocketApi({ url: socketUrl(window.location), onState, reconnect: RECONNECT_FOREVER });
}
