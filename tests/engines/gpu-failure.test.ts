// A training that fails on a GPU engine ends failed with its reason and says how to go on (on
// wasm, from the last checkpoint): nothing switches engines silently.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ENV } from '../../src/main/core/browser/find-chromium';
import { openService } from '../../src/main/core/service';
import { writeSmallIdx } from '../service/processes';

const dir = mkdtempSync(join(tmpdir(), 'latent-lab-gpu-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a training that fails on webgpu-chromium', () => {
  it('ends failed with the reason, offering wasm, and never trains elsewhere', async () => {
    const before = process.env[CHROMIUM_ENV];
    // a Chromium named that is not there: the engine cannot start its page
    process.env[CHROMIUM_ENV] = join(dir, 'no-such-chromium');
    const svc = await openService({ dataDir: join(dir, 'data'), door: 'cli' });
    try {
      const small = writeSmallIdx(dir, 64);
      const imp = await svc['datasets:import']({
        kind: 'idx',
        path: small.images,
        labelsPath: small.labels,
        color: 'auto',
        resize: 'fit',
        testShare: 0.25,
        seed: 1,
      });
      const ds = await svc.waitForJob(imp.jobId);
      expect(ds.status, ds.message).toBe('done');
      const { jobId, runId } = await svc['runs:start']({
        datasetId: ds.datasetId!,
        config: {
          model: 'vae',
          family: 'mlp',
          latent: 2,
          hidden: [8],
          likelihood: 'bernoulli',
          beta: 1,
          epochs: 1,
          batch: 16,
          lr: 1e-3,
          seed: 1,
        },
        backend: 'webgpu-chromium',
      });
      const f = await svc.waitForJob(jobId);
      expect(f.status).toBe('failed');
      const run = (await svc['runs:list']({})).find((r) => r.id === runId)!;
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/webgpu-chromium: .*no-such-chromium/);
      expect(run.error).toMatch(/resume continues from the last checkpoint on wasm/);
      expect(run.epochsDone).toBe(0);
    } finally {
      await svc.close();
      if (before === undefined) delete process.env[CHROMIUM_ENV];
      else process.env[CHROMIUM_ENV] = before;
    }
  });
});
