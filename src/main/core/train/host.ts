// The trainer's host: everything about a training but the training itself. It checks the
// config, reads the dataset file, picks the split, loads the checkpoint a resume continues
// from, hands the run to an engine (engines/), and writes each epoch's checkpoint atomically as
// the engine reports it. Runs on whatever thread calls it; runTrainingInWorker puts it in a
// worker thread.
import * as tf from '@tensorflow/tfjs-core';
import { readDatasetFile } from '../data/dataset-file.js';
import { engineFor } from '../engines/index.js';
import type { EngineEpoch, EngineStart } from '../engines/engine.js';
import { normalizeModelConfig } from '../model/vae.js';
import type { WorkerIo } from '../workers/protocol.js';
import { ADAM } from './adam.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  cleanTemp,
  latestCheckpointDir,
  readCheckpoint,
  writeCheckpoint,
  type CheckpointJson,
  type ModelTopology,
} from './checkpoint.js';
import { architecture, greyShare, pickIndices, validateTrainConfig } from './plan.js';
import type { EngineName } from '../types.js';
import type { TrainEvent, TrainJobSpec, TrainOutcome } from './types.js';

/** The worker's side of runTrainingInWorker (worker role 'train'). */
export function trainWork(spec: TrainJobSpec, io: WorkerIo<TrainEvent>): Promise<TrainOutcome> {
  return trainInProcess(spec, io.progress, io.signal);
}

/**
 * Trains (or resumes) a run in this thread. Events arrive through onEvent; the promise
 * settles with 'done' or 'cancelled', or rejects with an Error that says what went wrong.
 */
export async function trainInProcess(spec: TrainJobSpec, onEvent: (e: TrainEvent) => void, signal?: AbortSignal): Promise<TrainOutcome> {
  const cfg = spec.config;
  validateTrainConfig(cfg);
  const ds = await readDatasetFile(spec.datasetFile);
  const { train, test, warning } = pickIndices(ds, cfg);
  if (warning) onEvent({ type: 'warning', message: warning });
  const shape = { height: ds.height, width: ds.width, channels: ds.channels };
  const numClasses = ds.labelNames.length;
  if (cfg.model === 'cvae') {
    const unlabelled = Array.from(train).filter((i) => ds.labels[i]! < 0).length;
    if (unlabelled > 0) throw new Error(`a cvae needs a label for every image; ${unlabelled} training images have none`);
  }
  if (cfg.likelihood === 'bernoulli' && greyShare(ds, train) > 0.1) {
    onEvent({
      type: 'warning',
      message:
        'these images are grey-level: with a Bernoulli decoder the loss is not a likelihood of the grey image (use gaussian, gaussian-learned or cbernoulli for that, or binarized)',
    });
  }

  const normalized = { ...cfg, ...normalizeModelConfig(cfg) };
  const topology: ModelTopology = { config: normalized, shape, numClasses, labelNames: ds.labelNames };
  await cleanTemp(spec.runDir);
  let start: EngineStart = { epoch: 0, step: 0, weights: null, optimizer: null };
  if (spec.resume) {
    const dir = spec.resumeFrom ?? (await latestCheckpointDir(spec.runDir));
    if (dir) {
      const ck = await readCheckpoint(dir, true);
      const t = ck.json.modelTopology;
      if (architecture(t.config) !== architecture(cfg)) {
        throw new Error(`cannot resume: the checkpoint in ${dir} was trained with another model configuration`);
      }
      if (
        t.shape.height !== shape.height ||
        t.shape.width !== shape.width ||
        t.shape.channels !== shape.channels ||
        t.numClasses !== numClasses
      ) {
        throw new Error(`cannot resume: the checkpoint in ${dir} was trained on images of another size or label set`);
      }
      const { epoch, step, optimizer } = ck.json.trainingState;
      start = { epoch, step, weights: ck.weights, optimizer: { iterations: optimizer.iterations, weights: ck.optimizer } };
    }
  }

  let lastGood = start.epoch;
  let backend: EngineName = 'cpu';
  const checkpoint = async (e: EngineEpoch): Promise<void> => {
    const json: CheckpointJson = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      generatedBy: backend === 'torch' ? 'Latent Lab (PyTorch, torch)' : `Latent Lab (TensorFlow.js ${tf.version_core}, ${backend})`,
      modelTopology: topology,
      weightsManifest: [
        { paths: ['weights.bin'], weights: e.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const })) },
      ],
      trainingState: {
        epoch: e.result.epoch,
        step: e.result.step,
        seed: cfg.seed,
        backend,
        heldOut: e.result.heldOut,
        optimizer: {
          name: 'adam',
          learningRate: cfg.lr,
          ...ADAM,
          iterations: e.optimizer.iterations,
          weights: e.optimizer.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const })),
        },
      },
    };
    const checkpointDir = await writeCheckpoint(
      spec.runDir,
      { json, weights: e.weights, optimizer: e.optimizer.weights },
      { prune: !spec.callerPrunes },
    );
    lastGood = e.result.epoch;
    onEvent({ type: 'epoch', result: e.result, checkpointDir, tensors: e.tensors });
  };

  const status = await engineFor(spec.backend, { torch: spec.torch, browserTrainer: spec.browserTrainer }).train(
    { config: cfg, data: ds, datasetFile: spec.datasetFile, train, test, shape, numClasses, start },
    {
      started: (s) => {
        backend = s.backend;
        onEvent({
          type: 'started',
          backend: s.backend,
          backendDetail: s.detail,
          startEpoch: start.epoch,
          totalEpochs: cfg.epochs,
          stepsPerEpoch: s.stepsPerEpoch,
          trainCount: train.length,
          testCount: test.length,
        });
      },
      step: (progress) => onEvent({ type: 'step', progress }),
      epoch: checkpoint,
      warning: (message) => onEvent({ type: 'warning', message }),
    },
    signal,
  );
  return status === 'done' ? { status, epochsDone: Math.max(lastGood, cfg.epochs) } : { status, epochsDone: lastGood };
}
