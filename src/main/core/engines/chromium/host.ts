// The webgpu-chromium engine: the trainer page (page/trainer.ts) in a Chromium, fed the run
// over a channel of frames; what the page reports becomes the host's events. The page lives in
// a hidden window of the desktop app where Electron lends one, else in a headless Chromium.
import type { EngineEnding, EngineEvents, EngineRun, TrainingEngine } from '../engine.js';
import { electronPageLent, openElectronPage } from './electron-window.js';
import { packFrame, unpackFrame } from './frames.js';
import { openHeadlessPage } from './headless.js';
import type { PageConnection, PageOpener } from './page-connection.js';
import type { FromPage, PageAdapter, ToPage } from './protocol.js';

/** a page that has not stopped this long after a cancel is ended with its browser */
const CANCEL_GRACE_MS = 3000;

export function chromiumEngine(open: PageOpener = electronPageLent() ? openElectronPage : openHeadlessPage): TrainingEngine {
  return {
    async train(run, events, signal) {
      const ready = await openReady(open, signal);
      if (!ready) return 'cancelled';
      return trainOnPage(ready.page, run, events, signal);
    },
  };
}

/** A page that has said which adapter it trains on. */
export interface ReadyPage {
  page: PageConnection;
  adapter: PageAdapter;
}

/** Opens a page and waits for its adapter; null when the signal ended the wait. */
/** `engine`: the name its messages start with */
export async function openReady(open: PageOpener, signal?: AbortSignal, engine = 'webgpu-chromium'): Promise<ReadyPage | null> {
  let page: PageConnection | null;
  try {
    page = await open(signal);
  } catch (err) {
    throw new Error(`${engine}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!page) return null;
  const opened = page;
  const first = await Promise.race([
    new Promise<FromPage>((resolve) => opened.channel.onFrame((frame) => resolve(unpackFrame<FromPage>(frame)))),
    opened.closed.then((why): FromPage => ({ type: 'error', message: `${why} before it was ready` })),
  ]);
  if (first.type === 'ready') return { page: opened, adapter: first.adapter };
  await opened.close();
  throw new Error(`${engine}: ${first.type === 'error' ? first.message : `the page said ${first.type} before it was ready`}`);
}

export interface PageTraining {
  /**
   * A page that goes away mid-run: a failure (a crashed browser, the default), or an
   * interruption where a person closed it (their own browser tab), which the run resumes from.
   */
  closing?: 'fails' | 'interrupts';
  /** the name its messages start with (webgpu-chromium) */
  engine?: string;
}

/** Trains the run on a ready page, and closes it at the end. */
export async function trainOnPage(
  page: PageConnection,
  run: EngineRun,
  events: EngineEvents,
  signal?: AbortSignal,
  how: PageTraining = {},
): Promise<EngineEnding> {
  try {
    return await drive(page, run, events, signal, how.closing ?? 'fails', how.engine ?? 'webgpu-chromium');
  } finally {
    await page.close();
  }
}

/** Sends the run, and forwards what the page says, in order, until it ends. */
function drive(
  page: PageConnection,
  run: EngineRun,
  events: EngineEvents,
  signal: AbortSignal | undefined,
  closing: 'fails' | 'interrupts',
  engine: string,
): Promise<EngineEnding> {
  let open = true;
  const send = (m: ToPage): void => {
    if (open) page.channel.send(packFrame(m));
  };
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
      send({ type: 'cancel' });
      // a cancel keeps nothing of the epoch in progress, so the page's step is not waited
      // for: once a checkpoint being written (if any) is done, the run ends and its page goes
      void queue.then(() => finish(() => resolve('cancelled')));
      cancelTimer = setTimeout(() => finish(() => resolve('cancelled')), CANCEL_GRACE_MS);
    };
    // one message at a time: an epoch's checkpoint is written before anything after it is seen
    let queue = Promise.resolve();
    const handle = async (m: FromPage): Promise<void> => {
      switch (m.type) {
        case 'ready':
          return;
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
          return finish(() => reject(new Error(`${engine}: ${m.message}`)));
      }
    };
    page.channel.onFrame((frame) => {
      const m = unpackFrame<FromPage>(frame);
      queue = queue
        .then(() => handle(m))
        .catch((err: unknown) => finish(() => reject(err instanceof Error ? err : new Error(String(err)))));
    });
    void page.closed.then((why) => {
      open = false;
      return queue.then(() =>
        finish(() => {
          if (signal?.aborted) resolve('cancelled');
          else if (closing === 'interrupts') resolve('interrupted');
          else reject(new Error(`${engine}: ${why} before the training ended`));
        }),
      );
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    send({ type: 'run', run });
  });
}
