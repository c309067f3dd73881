// The trainer: in-process or in a worker thread, checkpoints, model loading and export.
export { trainInProcess } from './host.js';
export { heldOutLoss } from './loop.js';
export { pickIndices, validateTrainConfig } from './plan.js';
export { runTrainingInWorker } from './run-in-worker.js';
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
