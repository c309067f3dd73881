// Which engine trains a run: the one its backend preference names.
import type { BackendPreference } from '../backend.js';
import type { TrainingEngine } from './engine.js';
import { tfjsThreadEngine } from './tfjs-thread.js';

export type { TrainingEngine } from './engine.js';

export function engineFor(pref: BackendPreference): TrainingEngine {
  return tfjsThreadEngine(pref);
}
