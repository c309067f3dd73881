// The PyTorch engine: the shipped training program (train.py) in python processes of their
// own, one or torchrun's N. The host gives it the run as it gives every engine; the program
// gets the dataset file as it is (memory-mapped, never copied when the host names it), the
// host's split, the normalized config and the checkpoint to start from, and hands back each
// epoch as a checkpoint in the app's format, which becomes the host's own checkpoint.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDatasetFile } from '../../data/dataset-file.js';
import { normalizeModelConfig } from '../../model/config.js';
import { ADAM } from '../../train/adam.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, readCheckpoint, writeCheckpoint } from '../../train/checkpoint.js';
import type { EngineEvents, EngineRun, TrainingEngine } from '../engine.js';
import { probeTorch, type TorchPython } from './find-python.js';
import { runProgram, torchCommand, type TorchNodes } from './run.js';

export type TorchDevice = 'auto' | 'cuda' | 'mps' | 'cpu';

export interface TorchOptions {
  /** where to train; auto takes CUDA, then Apple's MPS, then the CPU */
  device?: TorchDevice;
  /** training processes on this machine (torchrun's --nproc_per_node); 1 runs without torchrun */
  processes?: number;
  nodes?: TorchNodes;
  /** a probe already made (the badge's); else the engine probes when a run starts */
  python?: TorchPython;
}

export function torchEngine(opts: TorchOptions = {}): TrainingEngine {
  return {
    async train(run: EngineRun, events: EngineEvents, signal?: AbortSignal) {
      // train.py fills its batches without the mirrored copies of train/batch.ts
      if (run.config.flip) throw new Error('the torch engine does not mirror images yet: train without flip, or on wasm or webgpu');
      const processes = opts.processes ?? 1;
      if (!Number.isInteger(processes) || processes < 1 || processes > 256) {
        throw new Error(`processes must be an integer 1..256, got ${processes}`);
      }
      let python = opts.python;
      if (!python) {
        const probe = await probeTorch();
        if (!probe.found) throw new Error(`the torch engine cannot run: ${probe.reason}`);
        python = probe;
      }
      const work = await mkdtemp(join(tmpdir(), 'latent-lab-torch-'));
      try {
        const spec = await programSpec(run, opts.device ?? 'auto', work);
        const specFile = join(work, 'spec.json');
        await writeFile(specFile, JSON.stringify(spec));
        return await drive(torchCommand(python.python, { processes, nodes: opts.nodes }, specFile), events, signal, opts.nodes);
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  };
}

/** train.py's SPEC.json for this run; a start checkpoint (resume) and, if need be, the dataset go under `work`. */
async function programSpec(run: EngineRun, device: TorchDevice, work: string): Promise<object> {
  const config = { ...run.config, ...normalizeModelConfig(run.config) };
  let datasetFile = run.datasetFile;
  if (!datasetFile) {
    // a host that holds the dataset only in memory: the program reads files
    datasetFile = join(work, 'dataset.lld');
    await writeDatasetFile(datasetFile, run.data);
  }
  let resumeFrom: string | null = null;
  if (run.start.weights) {
    const weights = run.start.weights;
    // weights with no optimizer state start Adam afresh, as the tfjs engines do
    const optimizer = run.start.optimizer ?? {
      iterations: 0,
      weights: (['m', 'v'] as const).flatMap((k) =>
        weights.map((w) => ({ name: `${w.name}/${k}`, shape: w.shape, data: new Float32Array(w.data.length) })),
      ),
    };
    const spec = (w: { name: string; shape: number[] }) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const });
    resumeFrom = await writeCheckpoint(
      join(work, 'start'),
      {
        json: {
          format: CHECKPOINT_FORMAT,
          version: CHECKPOINT_VERSION,
          generatedBy: 'Latent Lab (the host, for the torch engine)',
          modelTopology: { config, shape: run.shape, numClasses: run.numClasses, labelNames: run.data.labelNames },
          weightsManifest: [{ paths: ['weights.bin'], weights: weights.map(spec) }],
          trainingState: {
            epoch: run.start.epoch,
            step: run.start.step,
            seed: config.seed,
            backend: 'torch',
            heldOut: NaN,
            optimizer: {
              name: 'adam',
              learningRate: config.lr,
              ...ADAM,
              iterations: optimizer.iterations,
              weights: optimizer.weights.map(spec),
            },
          },
        },
        weights,
        optimizer: optimizer.weights,
      },
      { prune: false },
    );
  }
  return {
    config,
    datasetFile,
    runDir: join(work, 'epochs'),
    resumeFrom,
    // the host writes the run's checkpoints; these are read and removed one by one
    callerPrunes: true,
    device,
    train: Array.from(run.train),
    test: Array.from(run.test),
  };
}

/** Runs the program, turning its lines into the engine's events; an epoch waits for the host's checkpoint. */
async function drive(cmd: string[], events: EngineEvents, signal?: AbortSignal, nodes?: TorchNodes): Promise<'done' | 'cancelled'> {
  // the host's failure (a checkpoint it cannot write) stops the program too
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) stop.abort();
  let epochs: Promise<void> = Promise.resolve();
  let hostError: unknown = null;
  try {
    const status = await runProgram(
      cmd,
      (m) => {
        if (m.type === 'started') events.started({ backend: 'torch', detail: m.backendDetail, stepsPerEpoch: m.stepsPerEpoch });
        else if (m.type === 'step') events.step(m.progress);
        else if (m.type === 'warning') events.warning(m.message);
        else if (m.type === 'epoch') {
          epochs = epochs.then(async () => {
            if (hostError) return;
            try {
              const ck = await readCheckpoint(m.checkpointDir, true);
              const iterations = ck.json.trainingState.optimizer.iterations;
              await events.epoch({ result: m.result, weights: ck.weights, optimizer: { iterations, weights: ck.optimizer }, tensors: 0 });
              await rm(m.checkpointDir, { recursive: true, force: true });
            } catch (err) {
              hostError = err;
              stop.abort();
            }
          });
        }
      },
      stop.signal,
      nodes ? { nodes } : {},
    );
    await epochs;
    if (hostError) throw hostError;
    return signal?.aborted ? 'cancelled' : status;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
