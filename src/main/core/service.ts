// STUB being written by the lead: the shape below is final, the bodies are not.
import type { Events, EventName } from '../../shared/contract';
import type { Handlers } from '../dispatch';

export interface ServiceOptions {
  dataDir: string;
  door: 'electron' | 'browser' | 'cli';
  backend?: 'auto' | 'tfjs-node-gpu' | 'tfjs-node' | 'webgpu' | 'wasm' | 'cpu';
  /** the bundled training worker (Electron build); dev and tests use the tsx bootstrap */
  workerEntry?: string;
}

export interface LatentLabService extends Handlers {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  close(): Promise<void>;
}

export declare function openService(opts: ServiceOptions): Promise<LatentLabService>;
