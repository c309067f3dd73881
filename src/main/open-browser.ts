// Opens a URL in the system browser for `serve --open` (npm start's browser mode). $BROWSER
// wins where set (the usual convention; a test points it at a script); otherwise the
// platform's opener, and on Linux only with a display, since xdg-open there would start a text
// browser in the very terminal that prints the URL.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));
}

/** The command that would open a URL here, or null (with no display, no opener). */
export function browserOpener(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string[] | null {
  if (env.BROWSER) return [env.BROWSER];
  if (platform === 'darwin') return ['open'];
  if (platform === 'win32') return ['cmd', '/c', 'start', '""'];
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return null;
  return onPath('xdg-open') ? ['xdg-open'] : null;
}

/** Starts the browser and does not wait for it; true when an opener was started. */
export function openInBrowser(url: string): boolean {
  const cmd = browserOpener();
  if (!cmd) return false;
  const [exe, ...args] = cmd as [string, ...string[]];
  try {
    const child = spawn(exe, [...args, url], { detached: true, stdio: 'ignore' });
    child.on('error', () => {}); // a missing opener leaves the printed URL, which is enough
    child.unref();
    return true;
  } catch {
    return false;
  }
}
