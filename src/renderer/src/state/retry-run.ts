// "Retry safer" wherever a collapsed run offers it (the Runs table, the Train panel): the new
// run on the safer settings (lib/retry-safer.ts) starts, and Train shows it.
import type { RunInfo } from '../../../shared/contract';
import { unwrap } from '../lib/api';
import { saferStart } from '../lib/retry-safer';
import { api, app } from './app.svelte';
import { handleError } from './toasts.svelte';

export async function retrySafer(run: RunInfo): Promise<void> {
  const args = saferStart(run, app.datasets);
  if (!args) return;
  try {
    const started = unwrap(await api['runs:start'](args));
    await app.refreshRuns();
    app.selectRun(started.runId, 'train');
  } catch (err) {
    handleError(err, 'Retry');
  }
}
