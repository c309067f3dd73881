// The app's own methods: what it is and runs on, and the job list with cancel.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Handlers } from '../../dispatch';
import { currentBackend } from '../backend';
import type { Context } from './context';

/** The version in our package.json, found by walking up from this module (source, out/ or app.asar). */
export function appVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'latent-lab' && pkg.version) return pkg.version;
    } catch {
      // not here: keep walking up
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

export function appHandlers(
  ctx: Context,
  backendAtStart: { name: string; detail: string },
): Pick<Handlers, 'app:info' | 'jobs:list' | 'jobs:cancel'> {
  return {
    async 'app:info'() {
      const b = currentBackend();
      return {
        version: ctx.version,
        backend: b?.name ?? backendAtStart.name,
        backendDetail: b?.detail ?? backendAtStart.detail,
        dataDir: ctx.dataDir,
        door: ctx.opts.door,
      };
    },
    async 'jobs:list'() {
      return ctx.jobs.list();
    },
    async 'jobs:cancel'(a) {
      return { cancelled: ctx.jobs.cancel(a.jobId) };
    },
  };
}
