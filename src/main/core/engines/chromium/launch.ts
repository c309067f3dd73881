// Starts a Chromium that cannot outlive the process that started it. Chromium is a tree of
// processes (browser, GPU, renderers); a training's host may end by kill -9, which runs no
// cleanup. So Chromium runs under a small shell that leads its own process group: the shell
// reads a pipe whose only writer is this process, and when the pipe closes (this process ended,
// however it ended) or the browser exits, it kills the whole group, itself included.
import { spawn, type ChildProcess } from 'node:child_process';

// fd 3 keeps the pipe from this process; the browser gets neither it nor a stdin
const WATCHDOG = [
  'exec 3<&0',
  '"$@" 3<&- </dev/null &',
  'browser=$!',
  '( while read -r _ <&3; do :; done; kill -KILL 0 ) </dev/null &',
  'wait "$browser"',
  'kill -KILL 0',
].join('\n');

export interface TiedBrowser {
  /** settles when the browser's group has ended, with the last lines it wrote to stderr */
  exited: Promise<string>;
  /** ends the browser and every process it started */
  kill(): void;
}

export function launchTiedChromium(executable: string, args: string[], url: string): TiedBrowser {
  const child: ChildProcess =
    process.platform === 'win32'
      ? spawn(executable, [...args, url], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn('/bin/sh', ['-c', WATCHDOG, 'latent-lab-chromium', executable, ...args, url], {
          detached: true,
          stdio: ['pipe', 'ignore', 'pipe'],
        });
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('exit', () => resolve(lastLines(tail)));
    child.once('error', (err) => resolve(err.message));
  });
  return {
    exited,
    kill() {
      child.stdin?.end();
      try {
        if (process.platform === 'win32') child.kill('SIGKILL');
        else if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group has already ended
      }
    },
  };
}

/** Chromium's stderr is chatty; the last few lines say why it stopped, if anything does. */
function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}
