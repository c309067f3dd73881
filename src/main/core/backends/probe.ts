// What training would run on here, and why each faster engine does not, for the badge's
// "how to get faster". Probes without starting anything: the native packages' load results
// come from the explore backend's start, the GPU from Dawn's adapter (no device is made).
import { defaultTrainingThreads } from '../train/threads.js';
import type { BackendName, EngineName } from '../types.js';
import { adapterLabel, probeAdapter } from './webgpu.js';

export interface FasterEngine {
  name: EngineName;
  /** what it takes, in one line */
  needs: string;
  /** why it is not in use here */
  why: string;
}

export interface TrainingChoice {
  name: EngineName;
  detail: string;
  /** the engines ahead of it in the order, each with what it needs and why it is not used */
  faster: FasterEngine[];
}

const NEEDS: Partial<Record<BackendName, string>> = {
  'tfjs-node-gpu':
    'an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 exactly, and the internet at install (npm downloads libtensorflow): npm install @tensorflow/tfjs-node-gpu',
  webgpu: 'a GPU with a Vulkan, Metal or Direct3D 12 driver (any vendor); nothing to install',
  'tfjs-node': 'the internet at install (npm downloads libtensorflow): npm install @tensorflow/tfjs-node — native CPU code',
};

/**
 * @param explore the backend explore runs on (tfjs-node(-gpu) there means training uses it too)
 * @param failures why each native package did not load when explore's backend was chosen
 */
export async function probeTrainingEngine(
  explore: { name: BackendName; detail: string },
  failures: ReadonlyMap<BackendName, string>,
): Promise<TrainingChoice> {
  const faster: FasterEngine[] = [];
  const add = (name: BackendName, why: string) => faster.push({ name, needs: NEEDS[name] ?? '', why });
  if (explore.name === 'tfjs-node-gpu') return { ...explore, faster };
  add('tfjs-node-gpu', failures.get('tfjs-node-gpu') ?? 'not tried');
  const gpu = await probeAdapter().catch((err: unknown) => ({ why: err instanceof Error ? err.message : String(err) }));
  if (!('why' in gpu) && !gpu.adapter.software) return { name: 'webgpu', detail: adapterLabel(gpu.adapter), faster };
  add('webgpu', 'why' in gpu ? gpu.why : `only a software adapter (${gpu.adapter.description || gpu.adapter.device}), slower than wasm`);
  if (explore.name === 'tfjs-node') return { ...explore, faster };
  add('tfjs-node', failures.get('tfjs-node') ?? 'not tried');
  if (explore.name !== 'wasm') return { ...explore, faster };
  const n = defaultTrainingThreads();
  const detail = explore.detail.replace(/\d+ threads?$/, `${n} thread${n === 1 ? '' : 's'}`);
  return { name: 'wasm', detail, faster };
}
