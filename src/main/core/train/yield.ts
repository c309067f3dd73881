// Lets the event loop run (a cancel message, I/O) between steps, in Node and in a page alike:
// a page has no setImmediate, and its setTimeout(0) waits at least 4 ms once nested, so there a
// message to ourselves is the quick way round.
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((r) => setImmediate(r));
  return new Promise((r) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      r();
    };
    channel.port2.postMessage(null);
  });
}
