// A small MNIST VAE trained through the service (not the UI: the Train view has its own spec),
// for the specs that start from a trained run.
import { expect } from 'vitest';
import { invoke } from '../../src/main/dispatch';
import type { AppUnderTest } from './harness';

/**
 * Trains a 784-128-4 VAE for 2 epochs of 6000 images on the app's first dataset (MNIST, added
 * from the UI); a spec that needs only some trained run may make it smaller still.
 */
export async function trainSmall(app: AppUnderTest, smaller: { hidden?: number[]; epochs?: number; limit?: number } = {}): Promise<void> {
  const datasetId = (await app.service['datasets:list']({}))[0]!.id;
  const config = { model: 'vae', latent: 4, hidden: [128], epochs: 2, batch: 100, limit: 6000, ...smaller } as const;
  const started = await invoke(app.service, 'runs:start', { datasetId, config: { ...config, hidden: [...config.hidden] } });
  if (!started.ok) throw new Error(started.error.message);
  expect((await app.service.waitForJob(started.value.jobId)).status).toBe('done');
}
