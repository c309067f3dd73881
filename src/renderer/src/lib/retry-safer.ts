// A collapsed run's one-click retry: the same dataset and model, on the safer settings
// shared/train-defaults.ts's saferConfig picks, started as a new run (the collapsed one stays
// for comparison).
import type { ArgsIn, DatasetInfo, RunInfo } from '../../../shared/contract';
import { saferConfig, statsOf } from '../../../shared/train-defaults';

/** What the retry would change, in words (the button's tooltip), or null without the dataset. */
export function saferChanges(r: RunInfo, datasets: DatasetInfo[]): string[] | null {
  const ds = datasets.find((d) => d.id === r.datasetId);
  return ds ? saferConfig(r.config, statsOf(ds)).changes : null;
}

/** The runs:start arguments of the retry, on the engine the run trained on where it must be named. */
export function saferStart(r: RunInfo, datasets: DatasetInfo[]): SaferStart | null {
  const ds = datasets.find((d) => d.id === r.datasetId);
  if (!ds) return null;
  return {
    datasetId: r.datasetId,
    config: saferConfig(r.config, statsOf(ds)).config,
    name: `${r.name} · safer`,
    ...engineOfRun(r.backend),
  };
}

type SaferStart = Pick<ArgsIn<'runs:start'>, 'datasetId' | 'config' | 'name' | 'backend' | 'torch'>;

/**
 * The engine of a run's record ("torch 1.13 · cuda · 4 processes on 2 machines") as runs:start
 * names it. A PyTorch run retries on PyTorch, with its device and its processes on one machine:
 * `auto` never picks torch, so the retry would have moved to wasm unseen. Any other engine is
 * left to the server's own choice (a browser tab's GPU needs a trainer that tab opens).
 */
export function engineOfRun(backend: string | null): Pick<SaferStart, 'backend' | 'torch'> {
  const torch = /^torch \d+\.\d+ · (cpu|cuda|mps)(?: · (\d+) processes)?(?: on (\d+) machines)?/.exec(backend ?? '');
  if (!torch) return {};
  const [, device, world, machines] = torch;
  const processes = Math.max(1, Math.round(Number(world ?? 1) / Number(machines ?? 1)));
  return { backend: 'torch', torch: { device: device as 'cpu' | 'cuda' | 'mps', processes } };
}
