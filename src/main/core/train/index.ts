// The trainer: in-process or in a worker thread, checkpoints, model loading and export.
export { trainInProcess, heldOutLoss, pickIndices, validateTrainConfig } from './trainer.js';
export { runTrainingInWorker, defaultWorkerEntry } from '../workers/run.js';
export {
  exportTfjsModel,
  latestCheckpointDir,
  loadRunModel,
  pruneCheckpoints,
  readCheckpoint,
  readCheckpointJson,
  type CheckpointJson,
  type LoadedModel,
} from './checkpoint.js';
export type { TrainEvent, TrainJobSpec, TrainOutcome } from './types.js';
