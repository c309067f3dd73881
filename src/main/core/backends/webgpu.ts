// WebGPU in Node through Dawn (the `webgpu` npm package, binaries inside it) for
// @tensorflow/tfjs-backend-webgpu: any GPU vendor (Vulkan, Metal, D3D12), no CUDA pinning.
// Both packages are optional at run time: a missing one is a reason, not a crash.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { GpuAdapterDescription } from './adapter-label.js';
export { adapterLabel } from './adapter-label.js';

export type { GpuAdapterDescription } from './adapter-label.js';

interface DawnGpu {
  requestAdapter(opts?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<DawnAdapter | null>;
}
interface DawnAdapter {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|\bwarp\b|software|microsoft basic render/i;

let gpu: DawnGpu | null = null;

/**
 * Installs Dawn's navigator.gpu once. tfjs-backend-webgpu registers its backend only when
 * navigator.gpu exists at import time, so this must run before that import.
 */
async function dawn(): Promise<DawnGpu> {
  if (gpu) return gpu;
  const mod = (await import('webgpu')) as unknown as { create: (flags: string[]) => DawnGpu; globals: Record<string, unknown> };
  // the GPU* classes (GPUBufferUsage, ...) the backend reads as globals
  Object.assign(globalThis, mod.globals);
  gpu = mod.create([]);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (!g.navigator.gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  return gpu;
}

export function describeAdapter(adapter: DawnAdapter): GpuAdapterDescription {
  const i = adapter.info ?? {};
  const d = {
    vendor: i.vendor ?? '',
    architecture: i.architecture ?? '',
    device: i.device ?? '',
    description: i.description ?? '',
  };
  const fallback = i.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  const software = fallback || d.architecture === 'software' || SOFTWARE.test(`${d.description} ${d.device}`);
  return { ...d, software };
}

export type AdapterProbe = { adapter: GpuAdapterDescription } | { why: string };

/** Where a probe's answer waits for worker threads and child processes, which inherit it. */
const PROBE_ENV = 'LATENT_LAB_DAWN_PROBE';
let probed: Promise<AdapterProbe> | null = null;

/**
 * The adapter Dawn offers (high-performance first), or why there is none, in words. Dawn prints
 * its findings straight to stderr from native code ("Couldn't load Vulkan: libvulkan.so.1 ...",
 * "maxDynamicUniformBuffersPerPipelineLayout artificially reduced ..."), which no JavaScript can
 * silence; so the probe runs in a short-lived child process whose stderr we read, and what
 * matters comes back once, as the reason. Asked once per process; the answer is also handed to
 * the workers this process starts through the environment, so a training does not probe again.
 */
export function probeAdapter(): Promise<AdapterProbe> {
  if (!probed) {
    const inherited = process.env[PROBE_ENV];
    probed = inherited ? Promise.resolve(JSON.parse(inherited) as AdapterProbe) : probeInChild();
    void probed.then((p) => (process.env[PROBE_ENV] = JSON.stringify(p)));
  }
  return probed;
}

// Runs in the child: loads Dawn, asks for an adapter, prints what it got as one JSON line.
const PROBE_SCRIPT = `
const { create } = await import(process.env.LATENT_LAB_DAWN_URL);
const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
const i = adapter?.info ?? {};
const pick = (o) => ({ vendor: o.vendor, architecture: o.architecture, device: o.device, description: o.description, isFallbackAdapter: o.isFallbackAdapter });
process.stdout.write(JSON.stringify(adapter ? { info: pick(i), isFallbackAdapter: adapter.isFallbackAdapter } : null) + '\\n');
process.exit(0);
`;

async function probeInChild(): Promise<AdapterProbe> {
  let url: string;
  try {
    url = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  } catch {
    return { why: 'the webgpu package is not installed' };
  }
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // Electron's binary acts as Node with ELECTRON_RUN_AS_NODE; plain Node ignores it
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1', LATENT_LAB_DAWN_URL: url };
    execFile(process.execPath, ['--input-type=module', '-e', PROBE_SCRIPT], { env, timeout: 30_000 }, (error, out, err) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: String(out), stderr: String(err) }),
    );
  });
  const notes = dawnNotes(stderr);
  const line = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line) {
    return { why: `Dawn did not load${notes.length ? `: ${notes.join('; ')}` : code === null ? ' (timed out)' : ''}` };
  }
  const adapter = JSON.parse(line) as DawnAdapter | null;
  if (!adapter) {
    return { why: `Dawn found no GPU adapter: ${notes.length ? notes.join('; ') : 'no Vulkan, Metal or D3D12 driver that it can use'}` };
  }
  return { adapter: describeAdapter(adapter) };
}

/**
 * What Dawn's stderr says that a person can act on, in words. Its notes on limits it lowered
 * for WebGPU's sake ("artificially reduced") are not: they are how Dawn always works.
 */
export function dawnNotes(stderr: string): string[] {
  const notes = new Set<string>();
  for (const raw of stderr.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('at ') || /artificially reduced/.test(line)) continue;
    const vulkan = /Couldn't load Vulkan: ([^:\s]+)/.exec(line);
    if (vulkan) notes.add(`no Vulkan loader (${vulkan[1]} is not installed)`);
    else notes.add(line.replace(/^(Warning|Error): /, '').slice(0, 200));
  }
  return [...notes];
}

/**
 * Makes tfjs-backend-webgpu current. `allowSoftware` false (what 'auto' asks) refuses a
 * software adapter: on it WebGPU trains slower than wasm.
 */
export async function startWebgpu(allowSoftware: boolean): Promise<GpuAdapterDescription> {
  // the quiet probe first: where Dawn has nothing to offer, it is never loaded here
  const probe = await probeAdapter();
  if ('why' in probe) throw new Error(probe.why);
  const a = probe.adapter;
  if (a.software && !allowSoftware) {
    throw new Error(`only a software adapter (${a.description || a.device}), slower than wasm; choose it with --backend webgpu`);
  }
  await dawn();
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend did not start');
  await tf.ready();
  return a;
}

/**
 * Dawn keeps the process alive while a device is held: release it when training ends.
 * Removing the backend disposes its buffers, destroying the device lets the thread exit;
 * the factory is registered again so a later run in this thread can start it anew.
 */
export function stopWebgpu(): void {
  const engine = tf.engine() as unknown as {
    registryFactory: Record<string, { factory: () => Promise<tf.KernelBackend>; priority: number }>;
  };
  const entry = engine.registryFactory['webgpu'];
  const be = tf.findBackend('webgpu') as unknown as { device?: { destroy?: () => void } } | null;
  if (!entry || !be) return;
  tf.removeBackend('webgpu');
  be.device?.destroy?.();
  tf.registerBackend('webgpu', entry.factory, entry.priority);
}
