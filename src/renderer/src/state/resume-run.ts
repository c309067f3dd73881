// Resume, wherever a run offers it (the Runs table, the Train panel). A run trained on this
// browser's GPU goes on in this tab's GPU where the tab has one: its trainer opens first, then
// the resume names it, as a start does. Any other run, or this tab without WebGPU, resumes on
// the server's engine (which keeps a PyTorch run on PyTorch).
import type { RunInfo } from '../../../shared/contract';
import { unwrap } from '../lib/api';
import { openBrowserTrainer, probeBrowserGpu, type BrowserTrainer } from '../lib/browser-trainer';
import { api, app } from './app.svelte';
import { handleError } from './toasts.svelte';

/** Whether a run's record says it trained in a browser tab ("webgpu-browser · SwiftShader ..."). */
export const trainedInTab = (r: Pick<RunInfo, 'backend'>): boolean => r.backend?.startsWith('webgpu-browser') ?? false;

export async function resumeRun(r: RunInfo, then?: () => void): Promise<void> {
  let trainer: BrowserTrainer | null = null;
  try {
    if (trainedInTab(r) && typeof (await probeBrowserGpu()) !== 'string') trainer = await openBrowserTrainer();
    unwrap(
      await api['runs:resume']({ runId: r.id, ...(trainer ? { backend: 'webgpu-browser' as const, browserTrainer: trainer.claim } : {}) }),
    );
    trainer = null;
    await app.refreshRuns();
    then?.();
  } catch (err) {
    handleError(err, 'Resume');
  } finally {
    // a resume that was refused: its trainer has nothing to train
    trainer?.close();
  }
}
