// The one interface every training engine implements: in this thread on a tfjs backend (wasm's
// data-parallel threads, Dawn's WebGPU, cpu, tfjs-node), in a Chromium page on its WebGPU, and
// PyTorch in python processes of its own (engines/torch/). An engine trains; the trainer's host (train/host.ts) keeps everything else: the
// dataset file, the split, resume, checkpoint files, events. So an engine is a module, and a
// run trained on any engine resumes, explores and exports like any other.
import type { NamedWeight } from '../model/layers.js';
import type { ImageShape } from '../model/networks.js';
import type { OptimizerState } from '../train/adam.js';
import type { EngineName, Dataset, EpochResult, StepProgress, TrainConfig } from '../types.js';

/** What an engine is asked to train. Plain data: it crosses a thread or a WebSocket as it is. */
export interface EngineRun {
  /** checked by the host against the limits; the engine fills the model's defaults */
  config: TrainConfig;
  data: Dataset;
  /** the file `data` was read from, for an engine in another process (torch maps it, not a copy) */
  datasetFile?: string;
  /** training and held-out image indices (the host's split) */
  train: Int32Array;
  test: Int32Array;
  shape: ImageShape;
  numClasses: number;
  /** where training starts: epoch 0 with no weights for a fresh run, else a checkpoint's */
  start: EngineStart;
}

export interface EngineStart {
  epoch: number;
  step: number;
  weights: NamedWeight[] | null;
  optimizer: OptimizerState | null;
}

export interface EngineStarted {
  /** the engine's name as runs record it ("wasm", "webgpu-chromium") */
  backend: EngineName;
  /** for people: "wasm · SIMD · 2 threads", "webgpu-chromium · SwiftShader (software, slow)" */
  detail: string;
  stepsPerEpoch: number;
}

/** One finished epoch: its figures, and the state a checkpoint keeps. */
export interface EngineEpoch {
  result: EpochResult;
  weights: NamedWeight[];
  optimizer: OptimizerState;
  /** the engine's live tensor count after the epoch (flat when nothing leaks) */
  tensors: number;
}

export interface EngineEvents {
  started(s: EngineStarted): void;
  step(p: StepProgress): void;
  /** the host writes the checkpoint; the engine goes on once it is written */
  epoch(e: EngineEpoch): Promise<void>;
  warning(message: string): void;
}

/**
 * 'done' after the last epoch, 'cancelled' when the signal stopped it between steps,
 * 'interrupted' when the place it trained in went away by the person's hand (a browser tab
 * closed): not a failure of the run, which resumes from its last checkpoint.
 */
export type EngineEnding = 'done' | 'cancelled' | 'interrupted';

export interface TrainingEngine {
  train(run: EngineRun, events: EngineEvents, signal?: AbortSignal): Promise<EngineEnding>;
}
