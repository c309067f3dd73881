// A tiny MNIST VAE trained through the CLI in a test's data folder (MNIST imported first).
import { expect } from 'vitest';
import type { CliRun } from '../cli/harness';

export async function trainTiny(cli: (...args: string[]) => Promise<CliRun>, latent: number, epochs = 1): Promise<void> {
  expect((await cli('import', 'mnist')).code).toBe(0);
  const flags = { latent, hidden: 64, epochs, limit: 1000, batch: 50 };
  const t = await cli('train', '--dataset', 'MNIST digits', ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, String(v)]));
  expect(t.err).toBe('');
}
