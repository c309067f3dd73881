// The Train form's state. It survives tab switches; it re-defaults (shared/train-defaults.ts,
// through defaultsFor) only when the dataset changes, and shows the settings of a training it
// did not start (one that went on across a reload).
import { defaultsFor, fromTrainConfig, statsOrNone, withRecipe, type FormConfig } from '../lib/models';
import type { DatasetInfo, RunInfo } from '../../../shared/contract';
import type { Recipe } from '../../../shared/recipes';
import type { torchDevices } from '../../../shared/contract';

export type TorchDevice = (typeof torchDevices)[number];

export class TrainForm {
  #datasetId = $state<number | null>(null);
  /** the run the form last started or showed: a training of it needs no showing */
  #runId: number | null = null;
  #recipeId = $state<Recipe['id'] | null>(null);
  cfg = $state<FormConfig>(defaultsFor(undefined));
  name = $state('');
  advanced = $state(false);
  /** what trains: the server's own choice, PyTorch where it was found, or this browser's GPU */
  engine = $state<'auto' | 'torch' | 'webgpu-browser'>('auto');
  torchDevice = $state<TorchDevice>('auto');
  torchProcesses = $state<number | null>(1);

  get datasetId(): number | null {
    return this.#datasetId;
  }
  /** the recipe the form was last filled from; another dataset or a shown run drops it */
  get recipeId(): Recipe['id'] | null {
    return this.#recipeId;
  }

  /** The dataset the form is about: its own, else the one selected, else the first. */
  datasetOf(datasets: DatasetInfo[], selectedId: number | null): DatasetInfo | undefined {
    const want = this.#datasetId ?? selectedId;
    return datasets.find((d) => d.id === want) ?? datasets.find((d) => d.id === selectedId) ?? datasets[0];
  }

  /** Point the form at a dataset; a different one brings its own defaults and no run name. */
  useDataset(ds: DatasetInfo | undefined): void {
    if (!ds || ds.id === this.#datasetId) return;
    const model = this.cfg.model;
    this.#datasetId = ds.id;
    this.cfg = { ...defaultsFor(ds), model };
    // a name typed for one dataset's run ("mnist vae z10") is not the next dataset's
    this.name = '';
    this.#recipeId = null;
  }

  /** Fill the form from a recipe: its choices, and the form's own values for what it leaves out
   *  (a Gaussian decoder's spread from the side of the dataset the form is about). */
  useRecipe(r: Recipe, ds: DatasetInfo | undefined): void {
    this.cfg = withRecipe(this.cfg, r, statsOrNone(ds).side);
    this.#recipeId = r.id;
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
    this.#recipeId = null;
    this.cfg = fromTrainConfig(run.config, ds);
    this.name = '';
  }

  /** A training is going on (perhaps since before a reload): show its run once the run list has it. */
  showTraining(runId: number | undefined, runs: RunInfo[], datasets: DatasetInfo[]): void {
    const run = runId === undefined ? undefined : runs.find((r) => r.id === runId);
    if (run)
      this.showRun(
        run,
        datasets.find((d) => d.id === run.datasetId),
      );
  }
}

export const trainForm = new TrainForm();
