// Which engine trains a run: the one its backend preference names.
import type { EnginePreference } from '../backend.js';
import { autoEngine } from './auto.js';
import { chromiumEngine } from './chromium/host.js';
import type { TrainingEngine } from './engine.js';
import { tfjsThreadEngine } from './tfjs-thread.js';
import { torchEngine, type TorchOptions } from './torch/engine.js';

export type { TrainingEngine } from './engine.js';

/** `torch`: the PyTorch engine's device and processes (ignored by the others). */
export function engineFor(pref: EnginePreference, torch?: TorchOptions): TrainingEngine {
  if (pref === 'webgpu-chromium') return chromiumEngine();
  if (pref === 'torch') return torchEngine(torch);
  if (pref === 'auto') return autoEngine();
  return tfjsThreadEngine(pref);
}
