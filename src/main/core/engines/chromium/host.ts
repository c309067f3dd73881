// The webgpu-chromium engine where no Electron runs (the CLI, `serve`): starts a headless
// Chromium (the system's, or the one npm brought) on a loopback page that holds the trainer,
// feeds it the run over a WebSocket, and turns what it reports into the host's events. The
// browser ends with the training, and with this process however it ends (launch.ts).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { chromiumArgs, findChromium } from '../../browser/find-chromium.js';
import { builtRendererDir } from '../../renderer-files.js';
import type { EngineEvents, EngineRun, TrainingEngine } from '../engine.js';
import { packFrame, unpackFrame } from './frames.js';
import { launchTiedChromium } from './launch.js';
import { servePage } from './page-server.js';
import type { FromPage, ToPage } from './protocol.js';

/** Chromium's start, the page's load and WebGPU's adapter, together */
const CONNECT_MS = 60_000;
/** a page that has not stopped this long after a cancel is ended with its browser */
const CANCEL_GRACE_MS = 3000;

export function chromiumEngine(): TrainingEngine {
  return {
    async train(run, events, signal) {
      const rendererDir = builtRendererDir();
      if (!existsSync(join(rendererDir, 'trainer.html')))
        throw new Error(
          `webgpu-chromium: the trainer page is not built (${join(rendererDir, 'trainer.html')}); run npx electron-vite build`,
        );
      const chromium = await findChromium();
      if (!chromium)
        throw new Error(
          'webgpu-chromium needs a Chromium and found none: install Chromium (or Chrome), or name one with LATENT_LAB_CHROMIUM',
        );
      const server = await servePage(rendererDir);
      const profile = mkdtempSync(join(tmpdir(), 'latent-lab-chromium-profile-'));
      const browser = launchTiedChromium(chromium.path, chromiumArgs(chromium.source, { userDataDir: profile }), server.url);
      try {
        const socket = await connect(server.connected, browser.exited, signal);
        if (!socket) return 'cancelled';
        return await drive(socket, run, events, browser.exited, signal);
      } finally {
        browser.kill();
        await Promise.race([browser.exited, new Promise((r) => setTimeout(r, 2000))]);
        await server.close();
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

async function connect(connected: Promise<WebSocket>, exited: Promise<string>, signal?: AbortSignal): Promise<WebSocket | null> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      connected,
      exited.then((why) => Promise.reject(new Error(`webgpu-chromium: Chromium ended before its page connected${why ? ` (${why})` : ''}`))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`webgpu-chromium: the trainer page did not connect within ${CONNECT_MS / 1000} s`)),
          CONNECT_MS,
        );
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

/** Sends the run once the page is ready, and forwards what it says, in order, until it ends. */
function drive(
  socket: WebSocket,
  run: EngineRun,
  events: EngineEvents,
  exited: Promise<string>,
  signal?: AbortSignal,
): Promise<'done' | 'cancelled'> {
  const send = (m: ToPage): void => socket.send(packFrame(m));
  return new Promise((resolve, reject) => {
    let settled = false;
    let cancelTimer: NodeJS.Timeout | undefined;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(cancelTimer);
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = (): void => {
      if (socket.readyState === socket.OPEN) send({ type: 'cancel' });
      cancelTimer = setTimeout(() => finish(() => resolve('cancelled')), CANCEL_GRACE_MS);
    };
    // one message at a time: an epoch's checkpoint is written before anything after it is seen
    let queue = Promise.resolve();
    const handle = async (m: FromPage): Promise<void> => {
      switch (m.type) {
        case 'ready':
          return send({ type: 'run', run });
        case 'started':
          return events.started(m.started);
        case 'step':
          return events.step(m.progress);
        case 'warning':
          return events.warning(m.message);
        case 'epoch':
          await events.epoch(m.epoch);
          return send({ type: 'checkpointed' });
        case 'done':
          return finish(() => resolve(m.status));
        case 'error':
          return finish(() => reject(new Error(`webgpu-chromium: ${m.message}`)));
      }
    };
    socket.on('message', (data: ArrayBuffer) => {
      const m = unpackFrame<FromPage>(data);
      queue = queue
        .then(() => handle(m))
        .catch((err: unknown) => finish(() => reject(err instanceof Error ? err : new Error(String(err)))));
    });
    socket.once(
      'close',
      () =>
        void queue.then(() =>
          finish(() =>
            signal?.aborted
              ? resolve('cancelled')
              : reject(new Error('webgpu-chromium: the trainer page closed before the training ended (the browser crashed or was closed)')),
          ),
        ),
    );
    void exited.then((why) =>
      queue.then(() =>
        finish(() =>
          signal?.aborted
            ? resolve('cancelled')
            : reject(new Error(`webgpu-chromium: Chromium ended during the training${why ? ` (${why})` : ''}`)),
        ),
      ),
    );
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
