// A run whose code goes unused is a result, not a toast: trained through the service (the real
// worker, the real database), a VAE with a beta so large that no dimension is worth its KL ends
// "collapsed" with the reason, and a healthy one on the same data ends "done".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainConfigInput } from '../../src/shared/contract';
import { invoke as dispatch } from '../../src/main/dispatch';
import { openService, type LatentLabService } from '../../src/main/core/service';

let dir = '';
let svc: LatentLabService;
let mnist: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-collapse-'));
  svc = await openService({ dataDir: dir, door: 'cli' });
  const imported = await svc['datasets:import']({ kind: 'mnist', color: 'auto', resize: 'fit', testShare: 0.1, seed: 1 });
  mnist = (await svc.waitForJob(imported.jobId)).datasetId!;
});
afterAll(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

// 150 steps: the fewest the verdict judges
const base: TrainConfigInput = { model: 'vae', latent: 4, hidden: [32], epochs: 1, batch: 20, limit: 3000, lr: 2e-3, threads: 1 };

async function train(config: TrainConfigInput) {
  const r = await dispatch(svc, 'runs:start', { datasetId: mnist, config });
  if (!r.ok) throw new Error(r.error.message);
  await svc.waitForJob(r.value.jobId);
  const run = await dispatch(svc, 'runs:get', { runId: r.value.runId });
  if (!run.ok) throw new Error(run.error.message);
  return run.value;
}

describe('a collapsed run', () => {
  it('ends collapsed with the reason, and a healthy one ends done', async () => {
    const collapsed = await train({ ...base, beta: 200 });
    expect(collapsed.status).toBe('collapsed');
    expect(collapsed.error).toMatch(/^posterior collapse: [01] of 4 latent dimensions in use after epoch 1 /);
    const healthy = await train(base);
    expect(healthy.status).toBe('done');
    expect(healthy.error).toBeNull();
    const listed = await dispatch(svc, 'runs:list', {});
    expect(listed.ok && listed.value.map((r) => r.status).sort()).toEqual(['collapsed', 'done']);
  }, 120_000);
});
