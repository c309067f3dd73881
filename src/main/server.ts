// Browser mode: the built renderer over HTTP and the contract over a WebSocket at /api, for a
// headless GPU box and for the e2e tests. Bound to 127.0.0.1 unless the caller asks otherwise;
// every socket must present the random token printed in the URL. No logic lives here: every
// call goes through dispatch(), exactly like the Electron door.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { fail, type EventName, type Events } from '../shared/contract';
import { eventNameList } from '../shared/names';
import { quoteInput } from '../shared/result';
import { decodeFrame, encodeFrame, encodeWire, type WireMessage } from '../shared/wire';
import { acceptTrainer, claimValid, dropTrainers, lendBrowserTrainers } from './browser-trainers';
import { dispatch, type Handlers } from './dispatch';
import { builtRendererDir, contentSecurityPolicy, contentType, rendererFile } from './core/renderer-files';
import { DEFAULT_FLOW, SocketFlow, type FlowLimits } from './socket-flow';
import { timedCall } from './core/timing';

export interface ServableService extends Handlers {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

export interface ServerOptions {
  service: ServableService;
  /** 0 picks a free port */
  port?: number;
  /** 127.0.0.1 by default; anything else exposes the service to the network on purpose */
  host?: string;
  /** the built renderer (electron-vite's out/renderer) */
  rendererDir?: string;
  /** fixed token (tests); random 32 bytes otherwise */
  token?: string;
  /** back-pressure per socket (socket-flow.ts): past pauseAboveBytes unsent its reads pause, below
   *  resumeBelowBytes they go on, past maxUnsentBytes it is dropped; defaults in DEFAULT_FLOW */
  pauseAboveBytes?: number;
  resumeBelowBytes?: number;
  maxUnsentBytes?: number;
  maxCallsInFlight?: number;
}

export interface RunningServer {
  url: string;
  token: string;
  port: number;
  /** sockets open now (a dropped one no longer counts) */
  clients(): number;
  close(): Promise<void>;
}

export const CSP = contentSecurityPolicy();

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** 64 MiB: an exported PNG of a big grid at scale 16 still fits; anything larger is an abuse. */
const MAX_MESSAGE = 64 * 1024 * 1024;
/** 1 GiB: a conv model's weights with Adam's two moments, as a tab's trainer sends them each epoch */
const MAX_TRAINER_FRAME = 1024 * 1024 * 1024;

function tokenMatches(params: URLSearchParams, token: string): boolean {
  // exactly one: `?token=good&token=bad` must not pass on whichever copy a parser reads
  const all = params.getAll('token');
  if (all.length !== 1) return false;
  const given = all[0]!;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  // constant-time, so the token cannot be guessed byte by byte from response timing
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 reaches us with
 * `Host: evil.example`. Only the bound address (and localhost) with the bound port may name us;
 * bound to every interface, any IP literal may (rebinding needs a name).
 */
export function hostAllowed(hostHeader: string | undefined, bound: string, port: number): boolean {
  if (!hostHeader) return false;
  let url: URL;
  try {
    url = new URL(`http://${hostHeader}`);
  } catch {
    return false;
  }
  if (url.port !== String(port) || url.username || url.pathname !== '/') return false;
  const name = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const wildcard = bound === '0.0.0.0' || bound === '::';
  if (name === bound.toLowerCase() || name === 'localhost') return true;
  return wildcard && isIP(name) !== 0;
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false; // "null" (file://, sandboxed frames) and garbage
  }
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.write(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`,
  );
  socket.destroy();
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { service } = opts;
  const host = opts.host ?? '127.0.0.1';
  const rendererDir = path.resolve(opts.rendererDir ?? builtRendererDir());
  const token = opts.token ?? randomBytes(32).toString('hex');
  const sockets = new Set<WebSocket>();
  const binarySockets = new WeakSet<WebSocket>();
  const boundPort = (): number => {
    const a = http.address();
    return typeof a === 'object' && a ? a.port : (opts.port ?? 0);
  };

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: string): void => {
      res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    if (!hostAllowed(req.headers.host, host, boundPort())) return send(421, 'this server answers only to the address it is bound to');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let encoded: string;
    try {
      encoded = new URL(req.url ?? '/', 'http://x').pathname;
    } catch {
      return send(400, 'bad path');
    }
    const file = rendererFile(rendererDir, encoded);
    if (!file) return send(403, 'forbidden');
    const pathname = '/' + path.relative(rendererDir, file).split(path.sep).join('/');
    let info;
    try {
      info = await stat(file);
    } catch {
      if (pathname === '/index.html')
        return send(503, `renderer not built: ${path.join(rendererDir, 'index.html')} is missing (run npx electron-vite build)`);
      return send(404, 'not found');
    }
    if (!info.isFile()) return send(404, 'not found');
    const type = contentType(file);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': type,
      'Content-Length': info.size,
      // hashed asset names can be cached; index.html must always be fresh
      'Cache-Control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  const http = createServer((req, res) => {
    serveStatic(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(err instanceof Error ? err.message : 'internal error');
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  // an epoch's weights and Adam state come back from a tab's trainer in one frame
  const trainerWss = new WebSocketServer({ noServer: true, maxPayload: MAX_TRAINER_FRAME });
  const trainerSockets = new Set<WebSocket>();
  lendBrowserTrainers();

  http.on('upgrade', (req, socket, head) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://x');
    } catch {
      return refuseUpgrade(socket, 400, 'Bad Request');
    }
    if (!hostAllowed(req.headers.host, host, boundPort())) return refuseUpgrade(socket, 421, 'Misdirected Request');
    if (url.pathname !== '/api' && url.pathname !== '/trainer') return refuseUpgrade(socket, 404, 'Not Found');
    if (!tokenMatches(url.searchParams, token)) return refuseUpgrade(socket, 401, 'Unauthorized');
    // a page from another site must not drive the service even if it learned the token
    const origin = req.headers.origin;
    if (origin && !sameHost(origin, req.headers.host)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (url.pathname === '/trainer') {
      // a tab's trainer (browser-trainers.ts): it waits for the training that names its claim
      const claim = url.searchParams.get('claim');
      if (!claimValid(claim)) return refuseUpgrade(socket, 400, 'Bad Request');
      return trainerWss.handleUpgrade(req, socket, head, (ws) => {
        trainerSockets.add(ws);
        ws.once('close', () => trainerSockets.delete(ws));
        acceptTrainer(ws, claim);
      });
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const limits: FlowLimits = {
    pauseAboveBytes: opts.pauseAboveBytes ?? DEFAULT_FLOW.pauseAboveBytes,
    resumeBelowBytes: opts.resumeBelowBytes ?? DEFAULT_FLOW.resumeBelowBytes,
    maxUnsentBytes: opts.maxUnsentBytes ?? DEFAULT_FLOW.maxUnsentBytes,
    maxCallsInFlight: opts.maxCallsInFlight ?? DEFAULT_FLOW.maxCallsInFlight,
  };
  const flows = new Map<WebSocket, SocketFlow>();

  wss.on('connection', (ws: WebSocket) => {
    const forget = (): void => {
      sockets.delete(ws);
      flows.delete(ws);
    };
    const flow = new SocketFlow(ws, limits, () => {
      forget();
      ws.terminate();
    });
    sockets.add(ws);
    flows.set(ws, flow);
    ws.on('close', forget);
    ws.on('error', forget);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const arrived = performance.now();
      let msg: WireMessage;
      try {
        msg = decodeFrame(isBinary ? (data as Buffer) : data.toString()) as WireMessage;
      } catch {
        return ws.close(1003, 'messages must be JSON');
      }
      if (!msg || msg.t !== 'call' || typeof msg.id !== 'number') return ws.close(1003, 'expected {t:"call", id, method, args}');
      // a client that asks for binary frames gets its bytes raw (grids), its events too
      if (msg.bin === true) binarySockets.add(ws);
      const read = performance.now() - arrived;
      flow.call(() =>
        timedCall(() => dispatch(service, msg.method, msg.args))
          .catch(() => ({ value: fail('internal', `${quoteInput(msg.method)}: the call failed in the bridge`), stages: {} }))
          .then(({ value: result, stages }) => {
            // the call's stages (timing.ts) and the server's whole part up to this reply's
            // encoding, so the page can tell the wire (the encoding included) from the work
            const server = performance.now() - arrived;
            const reply: WireMessage = { t: 'result', id: msg.id, result, stages: { ...stages, read, server } };
            flow.send(binarySockets.has(ws) ? encodeFrame(reply) : encodeWire(reply));
          }),
      );
    });
  });

  const unsubscribe = eventNameList.map((event) =>
    service.on(event, (payload) => {
      if (sockets.size === 0) return;
      const message = { t: 'event', event, payload } satisfies WireMessage;
      const text = encodeWire(message);
      const frame = [...sockets].some((ws) => binarySockets.has(ws)) ? encodeFrame(message) : text;
      for (const ws of sockets) flows.get(ws)?.send(binarySockets.has(ws) ? frame : text);
    }),
  );

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    token,
    port,
    clients: () => sockets.size,
    async close() {
      for (const off of unsubscribe) off();
      for (const ws of sockets) ws.terminate();
      sockets.clear();
      dropTrainers(trainerSockets);
      for (const ws of trainerSockets) ws.terminate();
      await new Promise<void>((resolve) => trainerWss.close(() => resolve()));
      flows.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
