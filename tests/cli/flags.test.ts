// The command line itself, before any service work: help, unknown commands and flags, the
// backend choice. Each case is refused (or answered) before the data folder is touched.
import { describe, expect, it } from 'vitest';
import { withDataDir } from './harness';

const { cli } = withDataDir('ll-cli-flags-');

describe('help', () => {
  it('--help and -h print the usage and exit 0, as `help` does', async () => {
    for (const h of ['--help', '-h']) {
      const r = await cli(h);
      expect(r.code, h).toBe(0);
      expect(r.out, h).toMatch(/^usage: latent-lab <command>/m);
      expect(r.err, h).toBe('');
    }
    const r = await cli('help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: latent-lab <command>/m);
  });

  it('lists every command with its flags, webgpu among the backends and --threads for training', async () => {
    const { out } = await cli('help');
    for (const c of ['import', 'datasets', 'skipped', 'train', 'runs', 'resume', 'dims', 'evaluate', 'sweep', 'samples'])
      expect(out).toMatch(new RegExp(`^  ${c} `, 'm'));
    for (const c of ['reconstruct', 'interpolate', 'nearest', 'classes', 'export-grid', 'export-metrics', 'export-model', 'serve'])
      expect(out).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(out).toMatch(/--backend auto\|tfjs-node-gpu\|tfjs-node\|webgpu\|webgpu-chromium\|torch\|wasm\|cpu/);
    expect(out).toMatch(/--threads N/);
  });

  it('a command with --help prints its own usage and exits 0', async () => {
    const r = await cli('sweep', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}sweep /m);
    expect(r.out).not.toMatch(/^ {2}train /m);
  });
});

describe('refusals', () => {
  it('an unknown command is refused with the nearest one', async () => {
    const r = await cli('trian');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command "trian".*did you mean "train"/);
  });

  it('an unknown flag is refused, naming it and the nearest known one', async () => {
    const r = await cli('train', '--dataset', 'x', '--latnet', '2', '--bogus', '7');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--latnet.*did you mean --latent/);
    expect(r.err).toMatch(/--bogus/);
  });

  it('a flag of another command is refused too', async () => {
    const r = await cli('datasets', '--out', 'x.png');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--out/);
  });

  it('a flag that needs a value and has none says so', async () => {
    const r = await cli('sweep', '--run', 'last', '--out');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--out/);
  });

  it('--backend takes only the contract backends (webgpu among them)', async () => {
    const r = await cli('datasets', '--backend', 'gpu');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--backend.*"gpu".*webgpu/);
    expect(r.err).not.toMatch(/webgpu-browser/);
  });

  it("--backend webgpu-browser is refused: it trains in a person's browser tab, and says what a terminal has instead", async () => {
    const r = await cli('train', '--dataset', 'mnist', '--backend', 'webgpu-browser');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/webgpu-browser trains in a person's browser tab .*webgpu-chromium trains on Chromium's WebGPU/);
  });
});
