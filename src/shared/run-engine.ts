// The engine a run's record names ("torch 1.13 · cuda · 4 processes on 2 machines"), read back
// as runs:start and runs:resume name one: what a retry and a resume keep of how a run trained.
import type { torchDevices } from './contract';

export interface RecordedEngine {
  backend?: 'torch';
  torch?: { device: Exclude<(typeof torchDevices)[number], 'auto'>; processes: number };
}

/**
 * A PyTorch run's engine, with its device and its processes on one machine: `auto` never picks
 * torch, so a retry or a resume that named nothing moved to wasm unseen, and a resume of a run
 * trained on 4 processes went on with 1. Any other engine is left to the server's own choice
 * (a browser tab's GPU needs a trainer that tab opens): {}.
 */
export function engineOfRun(backend: string | null): RecordedEngine {
  const torch = /^torch \d+\.\d+ · (cpu|cuda|mps)(?: · (\d+) processes)?(?: on (\d+) machines)?/.exec(backend ?? '');
  if (!torch) return {};
  const [, device, world, machines] = torch;
  const processes = Math.max(1, Math.round(Number(world ?? 1) / Number(machines ?? 1)));
  return { backend: 'torch', torch: { device: device as 'cpu' | 'cuda' | 'mps', processes } };
}
