// WebGPU in Node through Dawn (the `webgpu` npm package, binaries inside it) for
// @tensorflow/tfjs-backend-webgpu: any GPU vendor (Vulkan, Metal, D3D12), no CUDA pinning.
// Both packages are optional at run time: a missing one is a reason, not a crash.
import * as tf from '@tensorflow/tfjs-core';

export interface GpuAdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** a CPU implementation of WebGPU (llvmpipe/lavapipe, SwiftShader, WARP): slower than wasm */
  software: boolean;
}

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

/** The adapter Dawn offers (high-performance first), or why there is none. */
export async function probeAdapter(): Promise<{ adapter: GpuAdapterDescription } | { why: string }> {
  let g: DawnGpu;
  try {
    g = await dawn();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return { why: 'the webgpu package is not installed' };
    return { why: `Dawn did not load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
  const adapter = await g.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { why: 'Dawn found no GPU adapter (no Vulkan, Metal or D3D12 driver that it can use)' };
  return { adapter: describeAdapter(adapter) };
}

/** One line for people: "webgpu · NVIDIA H200 (nvidia)" or "webgpu · llvmpipe (software, slow)". */
export function adapterLabel(a: GpuAdapterDescription): string {
  const name = a.description || a.device || a.architecture || 'unknown adapter';
  const short = name.split(':')[0]!.trim();
  return `webgpu · ${short} (${a.software ? 'software, slow' : a.vendor || 'gpu'})`;
}

/**
 * Makes tfjs-backend-webgpu current. `allowSoftware` false (what 'auto' asks) refuses a
 * software adapter: on it WebGPU trains slower than wasm.
 */
export async function startWebgpu(allowSoftware: boolean): Promise<GpuAdapterDescription> {
  const probe = await probeAdapter();
  if ('why' in probe) throw new Error(probe.why);
  const a = probe.adapter;
  if (a.software && !allowSoftware) {
    throw new Error(`only a software adapter (${a.description || a.device}), slower than wasm; choose it with --backend webgpu`);
  }
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
