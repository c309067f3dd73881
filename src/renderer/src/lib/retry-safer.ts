// A collapsed run's one-click retry: the same dataset and model, on the safer settings
// shared/train-defaults.ts's saferConfig picks, started as a new run (the collapsed one stays
// for comparison).
import type { ArgsIn, DatasetInfo, RunInfo } from '../../../shared/contract';
import { engineOfRun } from '../../../shared/run-engine';
import { saferConfig, statsOf } from '../../../shared/train-defaults';

/** What the retry would change, in words (the button's tooltip), or null without the dataset. */
export function saferChanges(r: RunInfo, datasets: DatasetInfo[]): string[] | null {
  const ds = datasets.find((d) => d.id === r.datasetId);
  return ds ? saferConfig(r.config, statsOf(ds)).changes : null;
}

/** The runs:start arguments of the retry, on the engine the run trained on where it must be named (engineOfRun). */
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
