// Browser mode's own GPU: the trainer page's code in a dedicated worker of the person's browser
// tab (page/worker.ts), which connects to the server before the run starts and is lent to the
// training thread by its claim (the server's browser-trainers.ts). The tab is theirs to close:
// a closed tab interrupts the run, which resumes from its last checkpoint on any engine.
import { requestPort } from '../../workers/ports.js';
import type { TrainingEngine } from '../engine.js';
import { openReady, trainOnPage } from './host.js';
import type { PageConnection } from './page-connection.js';
import { portConnection } from './port-connection.js';

/** The name under which the server lends a browser tab's trainer, by its claim. */
export const BROWSER_TRAINER_PORT = 'browser-trainer';

export function browserTabEngine(claim: string | undefined): TrainingEngine {
  return {
    async train(run, events, signal) {
      if (!claim) throw new Error("webgpu-browser: it trains in the browser tab that asks for it; this run's tab named no trainer");
      const ready = await openReady(async (s) => openBrowserTab(claim, s), signal, 'webgpu-browser');
      if (!ready) return 'cancelled';
      const { name, software } = ready.adapter;
      // as the other engines name theirs: the engine, then the adapter of the tab that trains
      const detail = `webgpu-browser · ${name}${software ? ' (software, slow)' : ''}`;
      return trainOnPage(
        ready.page,
        run,
        { ...events, started: (s) => events.started({ ...s, backend: 'webgpu-browser', detail }) },
        signal,
        { closing: 'interrupts', engine: 'webgpu-browser' },
      );
    },
  };
}

async function openBrowserTab(claim: string, signal?: AbortSignal): Promise<PageConnection | null> {
  const port = await requestPort(BROWSER_TRAINER_PORT, claim);
  if (signal?.aborted) {
    port.close();
    return null;
  }
  // the server closes the tab's socket when its end of the port closes
  return portConnection(port, 'the browser tab that was training closed');
}
