// A small MNIST VAE trained through the service (not the UI: the Train view has its own spec),
// for the specs that start from a trained run.
import { expect } from 'vitest';
import type { AppUnderTest } from './harness';

export const SMALL_VAE = {
  model: 'vae',
  family: 'mlp',
  latent: 4,
  hidden: [128],
  likelihood: 'bernoulli',
  beta: 1,
  epochs: 2,
  batch: 100,
  lr: 1e-3,
  seed: 1,
  limit: 6000,
} as const;

/** Trains SMALL_VAE on the app's first dataset (MNIST, added from the UI) and waits for it. */
export async function trainSmall(app: AppUnderTest): Promise<void> {
  const datasetId = (await app.service['datasets:list']({}))[0]!.id;
  const { jobId } = await app.service['runs:start']({ datasetId, config: SMALL_VAE, backend: 'auto' });
  expect((await app.service.waitForJob(jobId)).status).toBe('done');
}
