// What a resumed run trains on. The person's choice wins: the call's backend, else the door's
// (--backend on the command line or the server). Otherwise a run goes on where it was trained
// when that is an engine `auto` never picks: a torch run resumed under `auto` would have moved
// to wasm unseen, as a different engine with its own threads and speed. A run on a tfjs backend
// resumes under `auto` as before: the weights and Adam's state are the same on every one, and
// auto takes the best this machine has.
import type { ArgsOut } from '../../../../shared/contract';
import { engineOfRun } from '../../../../shared/run-engine';
import type { EngineName } from '../../types';
import type { ServiceOptions } from '../context';
import type { EnginePreference } from '../../backend';

/** Engines a run keeps on resume: those `auto` never chooses. */
const KEPT_ON_RESUME: readonly string[] = ['torch'];

export function resumeEngine(opts: {
  /** the resume call's own backend (auto included: the person asked for it) */
  named?: EnginePreference;
  /** the door's --backend (CLI, server) */
  door?: EnginePreference;
  /** the engine the checkpoint was trained on (its trainingState.backend) */
  trainedOn?: string | null;
}): EnginePreference {
  if (opts.named) return opts.named;
  if (opts.door && opts.door !== 'auto') return opts.door;
  if (opts.trainedOn && KEPT_ON_RESUME.includes(opts.trainedOn)) return opts.trainedOn as EngineName;
  return 'auto';
}

/**
 * A torch run resumed goes on as it trained, on its device and its processes on this machine
 * (the run's record), unless the door (--device, --processes) or the call names other ones.
 */
export function torchOnResume(
  backend: string,
  recordedOn: string | null,
  door: ServiceOptions['torch'],
  called: ArgsOut<'runs:resume'>['torch'],
): { torch?: ArgsOut<'runs:resume'>['torch'] } {
  const recorded = backend === 'torch' ? engineOfRun(recordedOn).torch : undefined;
  if (!recorded) return called ? { torch: called } : {};
  const fromDoor = { device: door?.device, processes: door?.processes };
  return { torch: { ...recorded, ...withoutUndefined(fromDoor), ...called } };
}

const withoutUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
