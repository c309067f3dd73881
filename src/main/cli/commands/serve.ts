// Browser mode from the command line: the same service behind HTTP and a WebSocket until Ctrl+C.
import type { Command } from '../command';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'the app in a browser (prints the URL with its token)',
  // its callers are browser pages: the browser door's rules (export destinations, app:info)
  door: 'browser',
  flags: {
    port: { value: '0' },
    host: { value: '127.0.0.1' },
    open: { boolean: true, help: 'open the URL in the system browser where there is one' },
  },
  async run(input, { svc, io }) {
    // loaded here: the other commands need no HTTP server
    const { startServer } = await import('../../server');
    const s = await startServer({ service: svc, port: input.num('port') ?? 0, host: input.str('host') ?? '127.0.0.1' });
    io.out(`Latent Lab is serving on ${s.url}`);
    const { openInBrowser } = await import('../../open-browser');
    const opened = input.on('open') && openInBrowser(s.url);
    io.out(opened ? 'opened it in your browser; Ctrl+C stops the server' : 'open it in a browser; Ctrl+C stops the server');
    await new Promise<void>((res) => {
      process.once('SIGINT', res);
      process.once('SIGTERM', res);
    });
    await s.close();
    return 0;
  },
};
