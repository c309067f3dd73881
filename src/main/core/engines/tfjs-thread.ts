// The engine that trains in the calling thread (the training worker) on a TensorFlow.js
// backend: wasm through the data-parallel threads (one engine per core, the SIMD Adam), Dawn's
// WebGPU in plain Node, tfjs-node(-gpu), or cpu.
import { initBackend, releaseBackend, withThreads, type BackendInfo, type BackendPreference } from '../backend.js';
import { createModel } from '../model/vae.js';
import { parallelStepEngine } from '../train/data-parallel.js';
import { stepsPerEpoch, trainEpochs } from '../train/loop.js';
import { localStepEngine, type StepEngine } from '../train/step.js';
import { defaultTrainingThreads } from '../train/threads.js';
import type { TrainConfig } from '../types.js';
import type { EngineEvents, EngineRun, TrainingEngine } from './engine.js';

export function tfjsThreadEngine(pref: BackendPreference): TrainingEngine {
  return {
    async train(run: EngineRun, events: EngineEvents, signal?: AbortSignal) {
      const { config: cfg, data, shape } = run;
      const backend = await initBackend(pref, 'train');
      const model = createModel(cfg, shape, run.numClasses, cfg.seed);
      let engine: StepEngine | null = null;
      try {
        if (run.start.weights) model.setWeights(run.start.weights);
        const threads = trainingThreads(cfg, backend);
        if (cfg.threads !== undefined && cfg.threads > 1 && backend.name !== 'wasm') {
          events.warning(`threads apply to the wasm backend; ${backend.name} trains on one thread`);
        }
        // wasm trains through the shared-memory engine even on one thread: its Adam is wasm SIMD
        // (adam-simd.ts), where tfjs's is a chain of element-wise kernels, ~19% of a one-thread
        // step of the reference MLP (5,386 -> 6,405 images/s, bench/results.md)
        const batch = Math.min(cfg.batch, run.train.length);
        engine =
          threads > 1 || backend.name === 'wasm'
            ? await parallelStepEngine({ model, data, config: cfg, shape, batch, threads })
            : localStepEngine(model, cfg.lr, data, cfg.seed);
        if (run.start.optimizer) await engine.restore(run.start.optimizer);
        events.started({
          backend: backend.name,
          detail: backend.name === 'wasm' ? withThreads(backend, threads) : backend.detail,
          stepsPerEpoch: stepsPerEpoch(run),
        });
        return await trainEpochs(run, { model, engine, backend: backend.name }, events, signal);
      } finally {
        await engine?.dispose();
        model.dispose();
        // Dawn's device would keep this thread alive
        if (backend.name === 'webgpu') releaseBackend();
      }
    },
  };
}

/**
 * Training threads: data-parallel wasm engines (`threads`, else threads.ts's default).
 * Other backends run on their own pool or device, so one.
 */
export function trainingThreads(cfg: TrainConfig, backend: BackendInfo): number {
  if (backend.name !== 'wasm') return 1;
  return cfg.threads !== undefined ? Math.max(1, cfg.threads) : defaultTrainingThreads(cfg.batch);
}
