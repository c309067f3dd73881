// The app's own methods: what it is and runs on, and the job list with cancel.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Handlers } from '../../../shared/contract';
import { backendFailures, currentBackend } from '../backend';
import { probeTrainingEngine, type TrainingChoice } from '../backends/probe';
import { probeTorch, TORCH_NEEDS, torchBadge, torchInfo, type TorchProbe } from '../engines/torch/find-python';
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

/**
 * The PyTorch engine beside the tfjs ones: `auto` never picks it (it needs a python the app
 * does not ship), so the badge says whether it was found, and where, or what to install. It
 * goes after the GPU engines and before the CPU ones, as the engines are ordered. Importing
 * torch takes seconds: until the probe answers, the line says it is looking, and app:info
 * never waits for it.
 */
function withTorch(choice: TrainingChoice, torch: TorchProbe | null): TrainingChoice {
  const line = torch
    ? torchBadge(torch)
    : { name: 'torch' as const, needs: TORCH_NEEDS, why: 'still looking for a python3 that imports torch' };
  const at = choice.faster.findIndex((f) => f.name === 'tfjs-node');
  const faster = [...choice.faster];
  faster.splice(at < 0 ? faster.length : at, 0, line);
  return { ...choice, faster };
}

export function appHandlers(
  ctx: Context,
  backendAtStart: { name: string; detail: string },
): Pick<Handlers, 'app:info' | 'jobs:list' | 'jobs:cancel'> {
  // probed once, on the first ask: what training will run on does not change while we run
  let training: Promise<TrainingChoice> | null = null;
  let torchProbe: Promise<TorchProbe> | null = null;
  let torch: TorchProbe | null = null;
  const trainingEngine = () => {
    const forced = ctx.opts.backend && ctx.opts.backend !== 'auto' ? ctx.opts.backend : null;
    const explore = { name: backendAtStart.name as BackendName, detail: backendAtStart.detail };
    training ??= forced
      ? Promise.resolve({ name: forced, detail: forced === explore.name ? explore.detail : forced, faster: [] })
      : probeTrainingEngine(explore, backendFailures());
    if (!forced && !torchProbe) torchProbe = probeTorch().then((p) => (torch = p));
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
      // the CLI answers one caller, who asked for exactly this: it waits for python's answer
      if (ctx.opts.door === 'cli') await torchProbe?.catch(() => null);
      const forced = !!ctx.opts.backend && ctx.opts.backend !== 'auto';
      const faster = forced ? t.faster : withTorch(t, torch).faster;
      return {
        version: ctx.version,
        backend: b?.name ?? backendAtStart.name,
        backendDetail: b?.detail ?? backendAtStart.detail,
        training: { backend: t.name, detail: t.detail, faster },
        dataDir: ctx.dataDir,
        door: ctx.opts.door,
        // a run may choose torch only where the door did not name the engine
        ...(forced ? {} : { torch: torchInfo(torch) }),
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
