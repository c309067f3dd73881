// The trainer page's entry (trainer.html): connects back to the host that opened it, over a
// WebSocket on the page's own loopback origin (the token in the page's URL), and serves it.
// In Electron the same page gets a MessagePort from its preload instead (bridge.ts).
import type { FrameChannel } from '../protocol.js';
import { socketChannel } from './socket-channel.js';
import { servePageTrainer } from './trainer.js';

/** In the desktop app the preload posts the page its port (preload/trainer.ts); elsewhere no port comes. */
function electronPort(): Promise<MessagePort> {
  return new Promise((resolve) => {
    const onMessage = (e: MessageEvent): void => {
      if (e.source !== window || e.data !== 'latent-lab:trainer-port' || !e.ports[0]) return;
      window.removeEventListener('message', onMessage);
      resolve(e.ports[0]);
    };
    window.addEventListener('message', onMessage);
  });
}

async function channel(): Promise<FrameChannel> {
  // app:// is the desktop app's own origin; a loopback page gets its host's WebSocket instead
  if (location.protocol === 'app:' || new URLSearchParams(location.search).has('electron')) {
    const port = await electronPort();
    return {
      send: (frame) => port.postMessage(frame, [frame]),
      onFrame: (f) => {
        port.onmessage = (e: MessageEvent<ArrayBuffer>) => f(e.data);
      },
    };
  }
  const token = new URLSearchParams(location.search).get('token') ?? '';
  return socketChannel(`ws://${location.host}/train?token=${encodeURIComponent(token)}`);
}

void channel().then(servePageTrainer, (err: unknown) => {
  document.title = `failed: ${err instanceof Error ? err.message : String(err)}`;
});
