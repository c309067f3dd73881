// A trainer page the engine talks to, however it was opened: a headless Chromium on a loopback
// page (headless.ts), or, in the desktop app, a hidden window of Electron's own Chromium whose
// port the main process lends the training thread (electron-window.ts).
import type { FrameChannel } from './protocol.js';

export interface PageConnection {
  channel: FrameChannel;
  /** settles when the page (or its browser) has gone, with what is known of why */
  closed: Promise<string>;
  /** ends the page and whatever it runs in */
  close(): Promise<void>;
}

/** Opens a page; resolves null when the signal ended the wait first. */
export type PageOpener = (signal?: AbortSignal) => Promise<PageConnection | null>;
