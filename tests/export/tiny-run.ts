// A tiny MNIST VAE trained through the CLI in a test's data folder (MNIST imported first), and
// a service opened on that folder for the tests that call the contract.
import { afterAll, beforeAll, expect } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { invoke } from '../../src/main/dispatch';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { withDataDir, type CliRun } from '../cli/harness';

export async function trainTiny(cli: (...args: string[]) => Promise<CliRun>, latent: number, epochs = 1): Promise<void> {
  expect((await cli('import', 'mnist')).code).toBe(0);
  const flags = { latent, hidden: 64, epochs, limit: 1000, batch: 50 };
  const t = await cli('train', '--dataset', 'MNIST digits', ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, String(v)]));
  expect(t.err).toBe('');
}

export function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** A fresh data folder with a tiny VAE of `latent` dims trained in it, and a service on it. */
export function withTinyRun(prefix: string, latent: number) {
  const folder = withDataDir(prefix);
  let svc: LatentLabService | undefined;
  let runId = 0;
  beforeAll(async () => {
    await trainTiny(folder.cli, latent);
    svc = await openService({ dataDir: folder.dir(), door: 'cli' });
    runId = value(await invoke(svc, 'runs:list', {}))[0]!.id;
  }, 300_000);
  afterAll(async () => {
    await svc?.close();
  });
  return { ...folder, svc: (): LatentLabService => svc!, runId: (): number => runId };
}
