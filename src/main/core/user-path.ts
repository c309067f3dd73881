// A path a person typed, made absolute the same way wherever it is used (import, probe,
// export, bundles): `~` is the home folder everywhere; a relative path is taken from the home
// folder behind the app's doors, where the folder browser lists it so and the server's working
// folder means nothing to the user, and from the working folder on the command line, as a
// shell would.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export type Door = 'electron' | 'browser' | 'cli';

export function userPath(p: string, door: Door): string {
  const home = homedir();
  if (p === '~') return home;
  if (p.startsWith('~/')) return join(home, p.slice(2));
  if (isAbsolute(p)) return resolve(p);
  return door === 'cli' ? resolve(p) : resolve(home, p);
}
