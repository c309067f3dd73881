// The Train form's state on its own: it starts from the defaults the data calls for
// (shared/train-defaults.ts), a dataset switch brings that dataset's defaults and drops the run
// name typed for the other one, and a training it did not start (one that went on across a
// reload) shows that run's dataset and settings, once.
import { describe, expect, it } from 'vitest';
import { TrainForm } from '../../src/renderer/src/state/train-form.svelte';
import { defaultsFor, fromTrainConfig } from '../../src/renderer/src/lib/models';
import { recipe, RECIPES } from '../../src/shared/recipes';
import { trainConfigSchema } from '../../src/shared/schemas';
import type { DatasetInfo, RunInfo } from '../../src/shared/contract';

const ds = (id: number, over: Partial<DatasetInfo> = {}): DatasetInfo =>
  ({
    id,
    name: `d${id}`,
    kind: 'folder',
    width: 16,
    height: 16,
    channels: 1,
    count: 160,
    trainCount: 120,
    labelNames: [],
    ...over,
  }) as DatasetInfo;
const mnist = ds(1, { kind: 'mnist', width: 28, height: 28, count: 70000, trainCount: 60000 });
const faces = ds(2, { width: 64, height: 64, count: 400, trainCount: 360 });

/** A run on `datasetId` whose settings are none of the form's defaults. */
const run = (id: number, datasetId: number): RunInfo =>
  ({
    id,
    datasetId,
    config: trainConfigSchema.parse({ model: 'ae', latent: 3, epochs: 400, batch: 8, seed: 7, lr: 0.002 }),
  }) as unknown as RunInfo;

describe('TrainForm', () => {
  it('starts from the reference defaults, and takes a dataset’s own when pointed at it', () => {
    const f = new TrainForm();
    expect(f.cfg).toEqual(defaultsFor(undefined));
    f.useDataset(faces);
    expect(f.datasetId).toBe(faces.id);
    expect(f.cfg).toEqual(defaultsFor(faces));
    expect(f.cfg.likelihood).toBe('gaussian');
  });

  it('a dataset switch drops the run name and the recipe, keeps the model kind; the same dataset again keeps edits', () => {
    const f = new TrainForm();
    f.useDataset(mnist);
    f.useRecipe(RECIPES[0]!, mnist);
    f.cfg.model = 'cvae';
    f.cfg.latent = 13;
    f.name = 'mnist vae z10';
    f.useDataset(mnist);
    expect([f.name, f.cfg.latent, f.recipeId]).toEqual(['mnist vae z10', 13, RECIPES[0]!.id]);
    f.useDataset(faces);
    expect(f.name).toBe('');
    expect(f.recipeId).toBeNull();
    expect(f.cfg).toEqual({ ...defaultsFor(faces), model: 'cvae' });
  });

  it('a Gaussian recipe takes the spread its dataset’s side calls for, not the form’s', () => {
    const f = new TrainForm();
    f.useDataset(faces);
    f.cfg.sigma = 0.05;
    f.useRecipe(recipe('faces')!, faces);
    expect(f.cfg.sigma).toBe(0.5);
    f.useDataset(mnist);
    expect(f.cfg.likelihood).toBe('bernoulli');
    f.useRecipe(recipe('faces')!, mnist);
    expect([f.cfg.likelihood, f.cfg.sigma]).toEqual(['gaussian', 0.331]);
  });

  it('after a reload during a training, shows that run’s dataset and settings once the run list has it', () => {
    const f = new TrainForm();
    const datasets = [mnist, faces];
    // what the view does on a fresh page: the first dataset, until the training is known
    f.useDataset(f.datasetOf(datasets, null));
    expect(f.datasetId).toBe(mnist.id);
    f.name = 'typed before the list came';
    f.showTraining(5, [], datasets);
    expect(f.datasetId).toBe(mnist.id);
    const r = run(5, faces.id);
    f.showTraining(5, [r], datasets);
    expect(f.datasetId).toBe(faces.id);
    expect(f.datasetOf(datasets, mnist.id)).toBe(faces);
    expect(f.cfg).toEqual(fromTrainConfig(r.config, faces));
    expect([f.cfg.model, f.cfg.latent, f.cfg.epochs, f.cfg.batch, f.cfg.seed, f.cfg.lr]).toEqual(['ae', 3, 400, 8, 7, 0.002]);
    expect(f.name).toBe('');
    // the view then points the form at the dataset it shows: the run's settings stay
    f.useDataset(f.datasetOf(datasets, mnist.id));
    expect(f.cfg.latent).toBe(3);
    // shown once: an edit while it trains stays when the run list refreshes
    f.cfg.latent = 6;
    f.showTraining(5, [r], datasets);
    expect(f.cfg.latent).toBe(6);
  });

  it('a run the form started itself is not shown over the form', () => {
    const f = new TrainForm();
    f.useDataset(faces);
    f.cfg.latent = 9;
    f.name = 'mine';
    f.started(8);
    f.showTraining(8, [run(8, faces.id)], [faces]);
    expect([f.cfg.latent, f.name]).toEqual([9, 'mine']);
  });

  it('with no dataset of its own, is about the selected one, else the first', () => {
    const f = new TrainForm();
    expect(f.datasetOf([mnist, faces], faces.id)).toBe(faces);
    expect(f.datasetOf([mnist, faces], 99)).toBe(mnist);
    expect(f.datasetOf([], null)).toBeUndefined();
  });
});
