// The stages of one call, timed where they happen and sent back beside its answer (as HTTP's
// Server-Timing header does), so a slow answer can be split into its parts from the page that
// waited for it: `npm run bench:ui` reports a sweep's latency this way. A door opens a record
// for a call (timedCall); anything the call runs, across awaits and in any module, adds its
// stage (addStage) without the record being passed along. Outside a timed call it costs nothing.
// Code the trainer page bundles too adds its stages through stages.ts, which has no Node import.
import { AsyncLocalStorage } from 'node:async_hooks';
import { addStage, setStagesOfCall, type Stages } from './stages.js';

export { addStage, type Stages };

const current = new AsyncLocalStorage<Stages>();
setStagesOfCall(() => current.getStore());

/** Runs f with a fresh record of stages; the record, filled as f went, comes back beside its value. */
export async function timedCall<T>(f: () => Promise<T>): Promise<{ value: T; stages: Stages }> {
  const stages: Stages = {};
  const value = await current.run(stages, f);
  return { value, stages };
}

/** The record of the call in progress, to fill later from outside its async context (a reply
 *  from another thread arrives on that thread's message event, not inside the call). */
export function currentStages(): Stages | undefined {
  return current.getStore();
}
