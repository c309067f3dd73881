// The Train form survives tab switches; it re-defaults only when the dataset changes, and shows
// the settings of a training it did not start (one that went on across a reload).
import { defaultsFor, fromTrainConfig, type FormConfig } from '../lib/models';
import type { DatasetInfo, RunInfo } from '../../../shared/contract';
import type { torchDevices } from '../../../shared/contract';

export type TorchDevice = (typeof torchDevices)[number];

class TrainForm {
  #datasetId = $state<number | null>(null);
  /** the run the form last started or showed: a training of it needs no showing */
  #runId: number | null = null;
  cfg = $state<FormConfig>(defaultsFor(undefined));
  name = $state('');
  advanced = $state(false);
  /** what trains: the app's own choice, or PyTorch where it was found */
  engine = $state<'auto' | 'torch'>('auto');
  torchDevice = $state<TorchDevice>('auto');
  torchProcesses = $state<number | null>(1);

  get datasetId(): number | null {
    return this.#datasetId;
  }

  /** Point the form at a dataset; a different one brings its own defaults and no run name. */
  useDataset(ds: DatasetInfo | undefined): void {
    if (!ds || ds.id === this.#datasetId) return;
    const model = this.cfg.model;
    this.#datasetId = ds.id;
    this.cfg = { ...defaultsFor(ds), model };
    // a name typed for one dataset's run ("mnist vae z10") is not the next dataset's
    this.name = '';
  }

  /** The form started this run: what it shows is already that run's. */
  started(runId: number): void {
    this.#runId = runId;
  }

  /** Show a training run's dataset and settings (once per run: edits after it stay). */
  showRun(run: RunInfo, ds: DatasetInfo | undefined): void {
    if (run.id === this.#runId) return;
    this.#runId = run.id;
    this.#datasetId = run.datasetId;
    this.cfg = fromTrainConfig(run.config, ds);
    this.name = '';
  }
}

export const trainForm = new TrainForm();
