// What the trainer page and its host say to each other, whatever carries it (a WebSocket from
// a headless Chromium, Electron's MessagePort, a dedicated worker's postMessage). Every message
// travels as one frame (frames.ts).
import type { EngineEpoch, EngineRun, EngineStarted } from '../engine.js';
import type { StepProgress } from '../../types.js';
import type { AdapterName } from '../../../../shared/gpu-adapter.js';

/** The adapter the page trains on, as the badge and the run record name it. */
export type PageAdapter = AdapterName;

export type ToPage =
  | { type: 'run'; run: EngineRun }
  /** the host has written the checkpoint of the epoch the page reported last */
  | { type: 'checkpointed' }
  | { type: 'cancel' };

export type FromPage =
  | { type: 'ready'; adapter: PageAdapter }
  | { type: 'started'; started: EngineStarted }
  | { type: 'step'; progress: StepProgress }
  | { type: 'epoch'; epoch: EngineEpoch }
  | { type: 'warning'; message: string }
  | { type: 'done'; status: 'done' | 'cancelled' }
  | { type: 'error'; message: string };

/** A two-way channel of frames. */
export interface FrameChannel {
  send(frame: ArrayBuffer): void;
  /** the handler of every frame from now on (it replaces the one before) */
  onFrame(f: (frame: ArrayBuffer) => void): void;
}

/** "webgpu-chromium · SwiftShader (software, slow)": the engine and its adapter, for people. */
export function pageEngineDetail(adapter: PageAdapter): string {
  return `webgpu-chromium · ${adapter.name}${adapter.software ? ' (software, slow)' : ''}`;
}
