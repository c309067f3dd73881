// The trainer page's origin: a loopback HTTP server that serves the built renderer's files
// (trainer.html and its bundle) and one WebSocket at /train, which only a client holding the
// random token may open. WebGPU needs a secure context, and 127.0.0.1 is one.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { contentSecurityPolicy, contentType, rendererFile } from '../../renderer-files.js';

export interface PageServer {
  /** the page to open: http://127.0.0.1:PORT/trainer.html?token=... */
  url: string;
  /** the page's socket, once it has connected */
  connected: Promise<WebSocket>;
  close(): Promise<void>;
}

/** Frames up to this size: a dataset of 200k 64x64 colour images is 2.4 GB, beyond any GPU buffer we bind. */
const MAX_FRAME = 2 ** 31 - 1;

export async function servePage(rendererDir: string): Promise<PageServer> {
  const token = randomBytes(24).toString('base64url');
  const server: Server = createServer((req, res) => {
    const file = req.method === 'GET' ? rendererFile(rendererDir, (req.url ?? '/').split('?')[0]!) : null;
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const stream = createReadStream(file);
    stream.once('open', () => {
      res.writeHead(200, {
        'Content-Type': contentType(file),
        'Content-Security-Policy': contentSecurityPolicy(),
        'Cache-Control': 'no-store',
      });
      stream.pipe(res);
    });
    stream.once('error', () => res.writeHead(404).end());
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  let resolveSocket!: (s: WebSocket) => void;
  const connected = new Promise<WebSocket>((r) => (resolveSocket = r));
  let taken = false;
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const given = Buffer.from(url.searchParams.get('token') ?? '');
    const expected = Buffer.from(token);
    // one page per training, and only the one we opened
    if (taken || url.pathname !== '/train' || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      socket.destroy();
      return;
    }
    taken = true;
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.binaryType = 'arraybuffer';
      resolveSocket(ws);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/trainer.html?token=${token}`,
    connected,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
