// A training in a worker thread, so the calling thread (Electron's main, the server) stays
// free. A cancel asks the trainer to stop between steps; one that has not ended 3 s later is
// terminated, and the run counts the epochs it had checkpointed.
import { isAbortError, runInWorker } from '../workers/run.js';
import type { TrainEvent, TrainJobSpec, TrainOutcome } from './types.js';

const TERMINATE_AFTER_MS = 3000;

export async function runTrainingInWorker(
  spec: TrainJobSpec,
  onEvent: (e: TrainEvent) => void,
  signal?: AbortSignal,
): Promise<TrainOutcome> {
  let epochsDone = -1;
  const track = (e: TrainEvent): void => {
    if (e.type === 'started') epochsDone = e.startEpoch;
    if (e.type === 'epoch') epochsDone = e.result.epoch;
    onEvent(e);
  };
  try {
    return await runInWorker<TrainOutcome, TrainEvent>('train', spec, { signal, onProgress: track, graceMs: TERMINATE_AFTER_MS });
  } catch (err) {
    if (isAbortError(err)) return { status: 'cancelled', epochsDone: Math.max(0, epochsDone) };
    throw err;
  }
}
