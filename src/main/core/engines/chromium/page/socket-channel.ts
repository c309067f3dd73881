// A frame channel over a WebSocket to the trainer's host, for the trainer page (its loopback
// host) and for a browser tab's trainer worker (the app's server). Frames that arrive before the
// trainer listens are kept for it.
import type { FrameChannel } from '../protocol.js';

export async function socketChannel(url: string): Promise<FrameChannel & { socket: WebSocket }> {
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  const queued: ArrayBuffer[] = [];
  let handler: ((frame: ArrayBuffer) => void) | null = null;
  socket.onmessage = (e: MessageEvent<ArrayBuffer>) => (handler ? handler(e.data) : queued.push(e.data));
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error('the trainer could not reach its host'));
  });
  return {
    socket,
    send: (frame) => socket.send(frame),
    onFrame: (f) => {
      handler = f;
      for (const frame of queued.splice(0)) f(frame);
    },
  };
}
