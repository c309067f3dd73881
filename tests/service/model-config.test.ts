// runs:start refuses, at the door and naming the field, a model config the schema lets through
// field by field but the model cannot build; the new forms and levels start and train.
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
  dir = mkdtempSync(join(tmpdir(), 'll-cfg-'));
  svc = await openService({ dataDir: dir, door: 'cli' });
  const imported = await svc['datasets:import']({ kind: 'mnist', color: 'auto', resize: 'fit', testShare: 0.1, seed: 1 });
  mnist = (await svc.waitForJob(imported.jobId)).datasetId!;
});
afterAll(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

const tiny: TrainConfigInput = { latent: 4, hidden: [32], epochs: 1, batch: 50, limit: 300, threads: 1 };

describe('runs:start and the model config', () => {
  it.each([
    [{ model: 'vae', form: 3 }, /config\.form .*needs a cvae/],
    [{ model: 'vae', k: 5 }, /config\.k is the IWAE objective's sample count/],
    [{ model: 'ae', objective: 'iwae' }, /config\.objective iwae needs a prior/],
    [{ model: 'hvae', levels: 2, latent3: 3 }, /config\.latent3 is the size of z3 and needs levels 3 or 4/],
    [{ model: 'cvae', form: 4, learnedPrior: true }, /config\.learnedPrior is form 1/],
  ] as [TrainConfigInput, RegExp][])('refuses %j with bad-args', async (cfg, why) => {
    const r = await dispatch(svc, 'runs:start', { datasetId: mnist, config: { ...tiny, ...cfg } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad-args');
      expect(r.error.message).toMatch(why);
    }
  });

  it('starts and finishes a form-3 cvae, a three-level hvae and an iwae run', async () => {
    const configs: TrainConfigInput[] = [
      { ...tiny, model: 'cvae', form: 3 },
      { ...tiny, model: 'hvae', levels: 3 },
      { ...tiny, model: 'vae', objective: 'iwae', k: 3 },
    ];
    for (const config of configs) {
      const r = await dispatch(svc, 'runs:start', { datasetId: mnist, config });
      if (!r.ok) throw new Error(r.error.message);
      const f = await svc.waitForJob(r.value.jobId);
      expect(f.status, JSON.stringify(config)).toBe('done');
    }
  });
});
