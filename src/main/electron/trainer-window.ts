// The desktop app's GPU path: the trainer page in a hidden, sandboxed window of Electron's own
// Chromium (its WebGPU runs in Chromium's GPU process, so a driver crash takes the page, not
// the app). The training thread asks for the page by name (providePort); this opens the
// window, hands the page one MessagePort through its preload, and relays that port to a Node
// MessagePort the training thread receives: Electron's main-process ports cannot be passed
// into a worker thread themselves.
import { BrowserWindow, MessageChannelMain } from 'electron';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { appOrigin } from './app-protocol';

/** The channel on which the preload receives the page's port (preload/trainer.ts). */
export const TRAINER_PORT_CHANNEL = 'latent-lab:trainer-port';

export async function openTrainerWindow(preload: string, devUrl: string | null): Promise<MessagePort> {
  const win = new BrowserWindow({
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      // a hidden window is throttled like a background tab: training would crawl
      backgroundThrottling: false,
    },
  });
  // the page has nowhere to go: no navigation, no new windows
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  await win.loadURL(devUrl ? new URL('trainer.html', devUrl).href : `${appOrigin}/trainer.html`);

  const page = new MessageChannelMain();
  const thread = new MessageChannel();
  page.port1.on('message', (e) => thread.port1.postMessage(e.data));
  thread.port1.on('message', (data: unknown) => page.port1.postMessage(data));
  page.port1.start();
  // either end going ends the other: a crashed page fails the training, an ended training closes the window
  const end = (): void => {
    thread.port1.close();
    page.port1.close();
    if (!win.isDestroyed()) win.destroy();
  };
  thread.port1.once('close', end);
  win.webContents.once('render-process-gone', end);
  win.once('closed', end);
  win.webContents.postMessage(TRAINER_PORT_CHANNEL, null, [page.port2]);
  return thread.port2;
}
