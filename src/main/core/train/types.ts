import type { TorchOptions } from '../engines/torch/engine.js';
import type { EngineName, EpochResult, StepProgress, TrainConfig } from '../types.js';

export interface TrainJobSpec {
  config: TrainConfig;
  /** a dataset file written by data/dataset-file.ts */
  datasetFile: string;
  /** checkpoints go to runDir/checkpoints/ */
  runDir: string;
  /** continue from runDir/checkpoints/latest (a fresh start when there is none) */
  resume: boolean;
  /** with resume: continue from this checkpoint folder (the one a database records) instead of `latest` */
  resumeFrom?: string;
  /** the caller removes old checkpoints once its database no longer references them (see pruneCheckpoints) */
  callerPrunes?: boolean;
  backend: 'auto' | EngineName;
  /** backend 'webgpu-browser': the claim of the trainer a browser tab opened for this run */
  browserTrainer?: string;
  /** backend 'torch': device, processes, nodes (plain data: the spec crosses to a worker thread) */
  torch?: TorchOptions;
}

export type TrainEvent =
  | {
      type: 'started';
      backend: EngineName;
      backendDetail: string;
      /** epochs already done (0 for a fresh run) */
      startEpoch: number;
      totalEpochs: number;
      stepsPerEpoch: number;
      trainCount: number;
      testCount: number;
    }
  | { type: 'step'; progress: StepProgress }
  /** tensors: the training engine's live tensor count after the epoch (flat when nothing leaks) */
  | { type: 'epoch'; result: EpochResult; checkpointDir: string; tensors: number }
  | { type: 'warning'; message: string };

export interface TrainOutcome {
  /** 'interrupted': the browser tab it trained in closed (engines/engine.ts) */
  status: 'done' | 'cancelled' | 'interrupted';
  /** epochs completed in total (checkpointed), counting those before a resume */
  epochsDone: number;
}
