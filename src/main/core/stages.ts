// Where a timed call's stages are added (timing.ts), without Node's async_hooks: code that the
// trainer page bundles too (explore/tensors.ts) adds its stages here, and in a browser, where no
// call is timed, adding one costs nothing. timing.ts connects this to the call in progress.

/** milliseconds by stage name; a stage timed twice in one call adds up */
export type Stages = Record<string, number>;

let callInProgress: () => Stages | undefined = () => undefined;

/** How to find the record of the call in progress (timing.ts sets it in Node). */
export function setStagesOfCall(find: () => Stages | undefined): void {
  callInProgress = find;
}

/** Adds ms to a stage of the call in progress (nothing outside a timed call). */
export function addStage(name: string, ms: number): void {
  const s = callInProgress();
  if (s) s[name] = (s[name] ?? 0) + ms;
}
