// The trainer page in a headless Chromium (the system's, or the one npm brought), for the CLI
// and `serve` where no Electron runs: a loopback server with a token serves the page and its
// WebSocket, and the browser is tied to this process (launch.ts).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { chromiumArgs, findChromium } from '../../browser/find-chromium.js';
import { builtRendererDir } from '../../renderer-files.js';
import { launchTiedChromium } from './launch.js';
import type { PageConnection } from './page-connection.js';
import { servePage } from './page-server.js';

/** Chromium's start, the page's load and WebGPU's adapter, together */
const CONNECT_MS = 60_000;

export async function openHeadlessPage(signal?: AbortSignal): Promise<PageConnection | null> {
  const rendererDir = builtRendererDir();
  if (!existsSync(join(rendererDir, 'trainer.html')))
    throw new Error(`the trainer page is not built (${join(rendererDir, 'trainer.html')}); run npx electron-vite build`);
  const chromium = await findChromium();
  if (!chromium) throw new Error('it needs a Chromium and found none: install Chromium (or Chrome), or name one with LATENT_LAB_CHROMIUM');
  const server = await servePage(rendererDir);
  const profile = mkdtempSync(join(tmpdir(), 'latent-lab-chromium-profile-'));
  const browser = launchTiedChromium(chromium.path, chromiumArgs(chromium.source, { userDataDir: profile }), server.url);
  const close = async (): Promise<void> => {
    browser.kill();
    await Promise.race([browser.exited, new Promise((r) => setTimeout(r, 2000))]);
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  };
  let socket: WebSocket | null;
  try {
    socket = await connect(server.connected, browser.exited, signal);
  } catch (err) {
    await close();
    throw err;
  }
  if (!socket) {
    await close();
    return null;
  }
  const ws = socket;
  // one handler at a time: a later onFrame takes over from the one before
  let handler: ((frame: ArrayBuffer) => void) | null = null;
  ws.on('message', (data: ArrayBuffer) => handler?.(data));
  const closed = new Promise<string>((resolve) => {
    ws.once('close', () => resolve('the page closed (the browser crashed or was closed)'));
    void browser.exited.then((why) => resolve(`Chromium ended${why ? ` (${why})` : ''}`));
  });
  return {
    channel: {
      send: (frame) => ws.send(frame),
      onFrame: (f) => {
        handler = f;
      },
    },
    closed,
    close,
  };
}

async function connect(connected: Promise<WebSocket>, exited: Promise<string>, signal?: AbortSignal): Promise<WebSocket | null> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      connected,
      exited.then((why) => Promise.reject(new Error(`Chromium ended before its page connected${why ? ` (${why})` : ''}`))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the trainer page did not connect within ${CONNECT_MS / 1000} s`)), CONNECT_MS);
      }),
      new Promise<null>((resolve) => {
        onAbort = () => resolve(null);
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
