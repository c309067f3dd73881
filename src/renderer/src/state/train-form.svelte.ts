// The Train form survives tab switches; it re-defaults only when the dataset changes.
import { defaultsFor, type FormConfig } from '../lib/models';
import type { DatasetInfo } from '../../../shared/contract';

class TrainForm {
  #datasetId = $state<number | null>(null);
  cfg = $state<FormConfig>(defaultsFor(undefined));
  name = $state('');
  advanced = $state(false);

  get datasetId(): number | null {
    return this.#datasetId;
  }

  /** Point the form at a dataset; a different one brings its own defaults. */
  useDataset(ds: DatasetInfo | undefined): void {
    if (!ds || ds.id === this.#datasetId) return;
    const model = this.cfg.model;
    this.#datasetId = ds.id;
    this.cfg = { ...defaultsFor(ds), model };
  }
}

export const trainForm = new TrainForm();
