// Which engine trains a run: the one its backend preference names.
import type { EnginePreference } from '../backend.js';
import { autoEngine } from './auto.js';
import { browserTabEngine } from './chromium/browser-tab.js';
import { chromiumEngine } from './chromium/host.js';
import type { TrainingEngine } from './engine.js';
import { tfjsThreadEngine } from './tfjs-thread.js';
import { torchEngine, type TorchOptions } from './torch/engine.js';

export type { TrainingEngine } from './engine.js';

export interface EngineOptions {
  /** the PyTorch engine's device and processes */
  torch?: TorchOptions;
  /** webgpu-browser: the claim of the trainer the person's tab opened */
  browserTrainer?: string;
}

export function engineFor(pref: EnginePreference, options: EngineOptions = {}): TrainingEngine {
  if (pref === 'webgpu-chromium') return chromiumEngine();
  if (pref === 'webgpu-browser') return browserTabEngine(options.browserTrainer);
  if (pref === 'torch') return torchEngine(options.torch);
  if (pref === 'auto') return autoEngine();
  return tfjsThreadEngine(pref);
}
