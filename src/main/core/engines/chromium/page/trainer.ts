// The trainer that runs in a web page (or a dedicated worker) on the browser's WebGPU: the same
// model, step and epoch code as the worker-thread engine, on tfjs-backend-webgpu, behind the
// host protocol (protocol.ts). In go a run (config, pixels, indices, resume state); out come
// progress, epochs with their checkpoint state, warnings, one ending. Cancel at any time.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { adapterName, type AdapterInfoLike } from '../../../../../shared/gpu-adapter.js';
import { createModel } from '../../../model/vae.js';
import { stepsPerEpoch, trainEpochs } from '../../../train/loop.js';
import { localStepEngine } from '../../../train/step.js';
import type { EngineEvents, EngineRun } from '../../engine.js';
import { packFrame, unpackFrame } from '../frames.js';
import { pageEngineDetail, type FrameChannel, type FromPage, type PageAdapter, type ToPage } from '../protocol.js';

async function describeAdapter(): Promise<PageAdapter | string> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return 'this browser has no WebGPU (navigator.gpu is missing; Chromium on Linux needs --enable-unsafe-webgpu)';
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return 'this browser offers no WebGPU adapter';
  const info = ((adapter as GPUAdapter & { info?: AdapterInfoLike }).info ?? {}) as AdapterInfoLike;
  return adapterName(info, (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true);
}

/** Serves one host over `channel`: reports the adapter, then trains the run it is sent. */
export async function servePageTrainer(channel: FrameChannel): Promise<void> {
  const send = (m: FromPage): void => channel.send(packFrame(m));
  const controller = new AbortController();
  let checkpointed: (() => void) | null = null;
  let runs = 0;
  channel.onFrame((frame) => {
    const m = unpackFrame<ToPage>(frame);
    if (m.type === 'cancel') controller.abort();
    else if (m.type === 'checkpointed') checkpointed?.();
    else if (m.type === 'run' && runs++ === 0) void train(m.run);
  });

  const adapter = await describeAdapter();
  if (typeof adapter === 'string') return send({ type: 'error', message: adapter });
  if (!(await tf.setBackend('webgpu'))) return send({ type: 'error', message: 'the WebGPU backend of TensorFlow.js did not start' });
  await tf.ready();
  send({ type: 'ready', adapter });

  async function train(run: EngineRun): Promise<void> {
    const cfg = run.config;
    const model = createModel(cfg, run.shape, run.numClasses, cfg.seed);
    const engine = localStepEngine(model, cfg.lr, run.data, cfg.seed);
    const events: EngineEvents = {
      started: (started) => send({ type: 'started', started }),
      step: (progress) => send({ type: 'step', progress }),
      warning: (message) => send({ type: 'warning', message }),
      epoch: (epoch) =>
        new Promise<void>((resolve) => {
          checkpointed = resolve;
          send({ type: 'epoch', epoch });
        }),
    };
    try {
      if (run.start.weights) model.setWeights(run.start.weights);
      if (run.start.optimizer) await engine.restore(run.start.optimizer);
      events.started({ backend: 'webgpu-chromium', detail: pageEngineDetail(adapter as PageAdapter), stepsPerEpoch: stepsPerEpoch(run) });
      const status = await trainEpochs(run, { model, engine, backend: 'webgpu' }, events, controller.signal);
      send({ type: 'done', status });
    } catch (err) {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    } finally {
      await engine.dispose();
      model.dispose();
    }
  }
}
