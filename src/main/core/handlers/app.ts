// The app's own methods: what it is and runs on, and the job list with cancel.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Handlers } from '../../dispatch';
import { backendFailures, currentBackend } from '../backend';
import { probeTrainingEngine, type TrainingChoice } from '../backends/probe';
import type { BackendName } from '../types';
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
  // probed once, on the first ask: what training will run on does not change while we run
  let training: Promise<TrainingChoice> | null = null;
  const trainingEngine = () => {
    const forced = ctx.opts.backend && ctx.opts.backend !== 'auto' ? ctx.opts.backend : null;
    const explore = { name: backendAtStart.name as BackendName, detail: backendAtStart.detail };
    training ??= forced
      ? Promise.resolve({ name: forced, detail: forced === explore.name ? explore.detail : forced, faster: [] })
      : probeTrainingEngine(explore, backendFailures());
    return training;
  };
  // The probe loads Dawn and asks for an adapter on this thread (~35 ms, more the first time):
  // behind the app's doors it starts now, while the window loads, instead of inside the first
  // app:info, where it held up every call behind it. The CLI asks only when told to.
  if (ctx.opts.door !== 'cli') void trainingEngine().catch(() => undefined);
  return {
    async 'app:info'() {
      const b = currentBackend();
      const t = await trainingEngine();
      return {
        version: ctx.version,
        backend: b?.name ?? backendAtStart.name,
        backendDetail: b?.detail ?? backendAtStart.detail,
        training: { backend: t.name, detail: t.detail, faster: t.faster },
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
