// Which engine trains a run: the one its backend preference names.
import type { EnginePreference } from '../backend.js';
import { chromiumEngine } from './chromium/host.js';
import type { TrainingEngine } from './engine.js';
import { tfjsThreadEngine } from './tfjs-thread.js';

export type { TrainingEngine } from './engine.js';

export function engineFor(pref: EnginePreference): TrainingEngine {
  if (pref === 'webgpu-chromium') return chromiumEngine();
  return tfjsThreadEngine(pref);
}
