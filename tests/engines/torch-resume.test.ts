// A torch run resumes in torch: `resume` with no --backend goes on with the engine the run was
// trained on (auto never picks torch, so it used to move the run to wasm unseen), and a
// --backend given names another. "Retry safer" of a torch run trains on torch too. Through the CLI, in-process, on a small IDX set. Skipped,
// saying why, where no python3 imports torch 1.13 or newer.
import { describe, expect, it } from 'vitest';
import { probeTorch } from '../../src/main/core/engines/torch/find-python.js';
import { openService } from '../../src/main/core/service.js';
import { invoke } from '../../src/main/dispatch.js';
import { saferStart } from '../../src/renderer/src/lib/retry-safer.js';
import { engineOfRun } from '../../src/shared/run-engine.js';
import { withDataDir } from '../cli/harness.js';
import { writeSmallIdx } from '../service/processes.js';

const probe = await probeTorch();
if (!probe.found) console.warn(`torch resume tests skipped: ${probe.reason}`);
const torchVersion = probe.found ? probe.version.split('+')[0]!.split('.').slice(0, 2).join('.') : '';

const { cli, dir } = withDataDir('ll-torch-resume-');

/** the backend column of `runs` for the run (the run record's engine and device) */
async function backendOf(runId: string): Promise<string> {
  const { out } = await cli('runs');
  const row = out.split('\n').find((l) => l.trim().startsWith(runId));
  return row ?? '';
}

describe.skipIf(!probe.found)('resume of a torch run', () => {
  it('goes on in torch unless another backend is named', { timeout: 120_000 }, async () => {
    const idx = writeSmallIdx(dir());
    expect((await cli('import', idx.images, '--labels', idx.labels, '--name', 'small')).code).toBe(0);
    const small = ['--dataset', 'small', '--model', 'vae', '--latent', '2', '--hidden', '8', '--batch', '50', '--epochs', '2'];
    const trained = await cli('train', ...small, '--backend', 'torch', '--device', 'cpu');
    expect(trained.code, trained.err).toBe(0);
    const torchDetail = `torch ${torchVersion} · cpu`;
    expect(await backendOf('1')).toContain(torchDetail);

    // no --backend: the engine it was trained on
    const again = await cli('resume', '1', '--from-epoch', '1');
    expect(again.code, again.err).toBe(0);
    expect(await backendOf('1')).toContain(torchDetail);

    // a --backend given wins
    const onWasm = await cli('resume', '1', '--from-epoch', '1', '--backend', 'wasm');
    expect(onWasm.code, onWasm.err).toBe(0);
    const row = await backendOf('1');
    expect(row).toMatch(/wasm/);
    expect(row).not.toMatch(/torch/);
  });

  it('goes on with the processes it trained on unless --processes names others', { timeout: 180_000 }, async () => {
    const two = ['--dataset', 'small', '--latent', '2', '--hidden', '8', '--batch', '50', '--epochs', '2', '--name', 'on two'];
    const trained = await cli('train', ...two, '--backend', 'torch', '--device', 'cpu', '--processes', '2');
    expect(trained.code, trained.err).toBe(0);
    const id = /run (\d+) training/.exec(trained.out)![1]!;
    expect(await backendOf(id)).toContain(`torch ${torchVersion} · cpu · 2 processes`);
    const again = await cli('resume', id, '--from-epoch', '1');
    expect(again.code, again.err).toBe(0);
    expect(await backendOf(id)).toContain(`torch ${torchVersion} · cpu · 2 processes`);
    const one = await cli('resume', id, '--from-epoch', '1', '--backend', 'torch', '--processes', '1');
    expect(one.code, one.err).toBe(0);
    expect(await backendOf(id)).toMatch(new RegExp(`torch ${torchVersion.replace('.', '\\.')} · cpu\\s*$`));
  });

  it('retries on safer settings in torch, on the device it used', { timeout: 120_000 }, async () => {
    // a torch run on the dataset of the test above, retried as the app's button does
    const trained = await cli(
      'train',
      '--dataset',
      'small',
      '--latent',
      '2',
      '--hidden',
      '8',
      '--batch',
      '50',
      '--epochs',
      '1',
      '--backend',
      'torch',
      '--name',
      'to retry',
    );
    expect(trained.code, trained.err).toBe(0);
    const svc = await openService({ dataDir: dir(), door: 'browser' });
    try {
      const run = (await svc['runs:list']({})).find((r) => r.name === 'to retry')!;
      const args = saferStart(run, await svc['datasets:list']({}))!;
      expect(args).toMatchObject({ backend: 'torch', torch: { device: 'cpu', processes: 1 } });
      const started = await invoke(svc, 'runs:start', { ...args, config: { ...args.config, epochs: 1 } });
      if (!started.ok) throw new Error(started.error.message);
      await svc.waitForJob(started.value.jobId);
      const retry = (await svc['runs:list']({})).find((r) => r.id === started.value.runId)!;
      expect([retry.status, retry.backend]).toEqual(['done', `torch ${torchVersion} · cpu`]);
    } finally {
      await svc.close();
    }
  });
});

describe('the engine a retry names', () => {
  it('reads a torch record with its device and its processes on one machine; leaves others to auto', () => {
    expect(engineOfRun('torch 2.4 · cuda · 8 processes on 2 machines')).toEqual({
      backend: 'torch',
      torch: { device: 'cuda', processes: 4 },
    });
    expect(engineOfRun('torch 1.13 · mps')).toEqual({ backend: 'torch', torch: { device: 'mps', processes: 1 } });
    expect(engineOfRun('wasm · SIMD · 2 threads')).toEqual({});
    expect(engineOfRun('webgpu-browser · SwiftShader (software, slow)')).toEqual({});
    expect(engineOfRun(null)).toEqual({});
  });
});
