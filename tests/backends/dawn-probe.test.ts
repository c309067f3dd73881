// Dawn prints what it finds straight to stderr from native code. The probe must keep that off
// the terminal of `npm start` and of every CLI `train`, and say what matters once, in words.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dawnNotes } from '../../src/main/core/backends/webgpu';

const ROOT = join(__dirname, '../..');

describe('the Dawn probe', () => {
  it('prints nothing of its own and answers with an adapter or a reason in words', async () => {
    const script = `
      const { probeAdapter } = await import(${JSON.stringify(join(ROOT, 'src/main/core/backends/webgpu.ts'))});
      const first = await probeAdapter();
      const again = await probeAdapter();
      console.log(JSON.stringify({ first, same: JSON.stringify(first) === JSON.stringify(again) }));
    `;
    const env = { ...process.env };
    delete env.LATENT_LAB_DAWN_PROBE;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env,
      timeout: 60_000,
    });
    expect(stderr).toBe('');
    const { first, same } = JSON.parse(stdout.trim().split('\n').pop()!) as { first: { adapter?: unknown; why?: string }; same: boolean };
    expect(same).toBe(true);
    if (first.why !== undefined) {
      expect(first.why).not.toMatch(/BackendVk|operator\(\)|\n/);
      expect(first.why.length).toBeLessThan(300);
    } else {
      expect(first.adapter).toMatchObject({ vendor: expect.any(String), software: expect.any(Boolean) });
    }
  });

  it("turns Dawn's stderr into what a person can act on", () => {
    // as Dawn 0.6.2 prints it on a machine without libvulkan, then on one with llvmpipe
    const stderr = [
      "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory",
      '    at operator() (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)',
      '',
      'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 500000 to 1000 to fit dynamic offset allocation limit.',
      '    at InitializeSupportedLimitsImpl (/home/runner/work/node-webgpu/third_party/dawn/src/dawn/native/vulkan/PhysicalDeviceVk.cpp:811)',
    ].join('\n');
    expect(dawnNotes(stderr)).toEqual(['no Vulkan loader (libvulkan.so.1 is not installed)']);
  });
});
