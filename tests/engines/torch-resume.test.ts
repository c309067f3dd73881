// A torch run resumes in torch: `resume` with no --backend goes on with the engine the run was
// trained on (auto never picks torch, so it used to move the run to wasm unseen), and a
// --backend given names another. Through the CLI, in-process, on a small IDX set. Skipped,
// saying why, where no python3 imports torch 1.13 or newer.
import { describe, expect, it } from 'vitest';
import { probeTorch } from '../../src/main/core/engines/torch/find-python.js';
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
});
