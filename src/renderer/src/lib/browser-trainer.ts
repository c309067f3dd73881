// "This browser's GPU" in browser mode: the trainer runs in a dedicated worker of this tab on
// its WebGPU, fed by the server over a socket of its own; the server keeps the run (database,
// checkpoints) as for any engine. Closing the tab interrupts the run, which resumes later.
// In the desktop app the main process has a trainer window of its own, so this is not offered.
import { adapterName, type AdapterInfoLike, type AdapterName } from '../../../shared/gpu-adapter';
import type { TabToTrainer, TrainerToTab } from '../../../shared/trainer-worker';

/** The adapter this tab would train on. */
export type BrowserGpu = AdapterName;

/** This tab's WebGPU adapter, or why there is none. Only in browser mode (no window.api). */
export async function probeBrowserGpu(): Promise<BrowserGpu | string> {
  if (window.api) return 'the desktop app trains on the GPU through its own window';
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(o?: object): Promise<unknown> } }).gpu;
  if (!gpu) return 'this browser has no WebGPU';
  const adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null)) as {
    info?: AdapterInfoLike;
    isFallbackAdapter?: boolean;
  } | null;
  if (!adapter) return 'this browser offers no WebGPU adapter';
  return adapterName(adapter.info ?? {}, adapter.isFallbackAdapter === true);
}

export interface BrowserTrainer {
  /** what runs:start's browserTrainer names */
  claim: string;
  /** settles when the server closed the trainer (the training ended), with its words */
  ended: Promise<string>;
  /** stops the worker (a start that was refused) */
  close(): void;
}

/** the trainers training now: held until the server closes them, whatever the views hold */
const live = new Set<Worker>();

/** Opens a trainer worker connected to the server, ready for the training that names its claim. */
export function openBrowserTrainer(loc: Location = window.location): Promise<BrowserTrainer> {
  const claim = crypto.randomUUID();
  const token = new URLSearchParams(loc.search).get('token') ?? '';
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${proto}//${loc.host}/trainer?token=${encodeURIComponent(token)}&claim=${claim}`;
  const worker = new Worker(new URL('../../../main/core/engines/chromium/page/worker.ts', import.meta.url), {
    type: 'module',
    name: 'latent-lab-trainer',
  });
  live.add(worker);
  let endedWith: (why: string) => void = () => {};
  const ended = new Promise<string>((resolve) => (endedWith = resolve));
  const close = (): void => {
    worker.terminate();
    live.delete(worker);
  };
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<TrainerToTab>) => {
      const m = e.data;
      if (m.type === 'connected') resolve({ claim, ended, close });
      else {
        close();
        const why = m.type === 'failed' ? m.message : m.reason || 'the server closed the trainer';
        endedWith(why);
        reject(new Error(why));
      }
    };
    worker.onerror = (e) => {
      close();
      const why = `this browser's trainer failed to start: ${e.message || 'the worker script did not load'}`;
      endedWith(why);
      reject(new Error(why));
    };
    worker.postMessage({ url } satisfies TabToTrainer);
  });
}
