// The Electron build's stand-in for backends/webgpu.ts (the bundler swaps it in: see
// electron.vite.config.ts): Dawn's Node binding cannot run inside Electron, whose V8 memory cage
// refuses the external ArrayBuffers it hands out for every mapped GPU buffer, so a training
// would fail at its first read-back. The desktop app has no path to dawn.node at all; it
// trains on the GPU through Chromium's own WebGPU (the webgpu-chromium engine).
import type { AdapterProbe } from '../core/backends/webgpu';
import type { GpuAdapterDescription } from '../core/backends/adapter-label';

export { adapterLabel } from '../core/backends/adapter-label';
export type { GpuAdapterDescription } from '../core/backends/adapter-label';

export const NO_DAWN_IN_ELECTRON =
  "Dawn's Node binding cannot run inside Electron (its mapped buffers are external ArrayBuffers, which Electron's V8 refuses); the desktop app trains on the GPU through Chromium's WebGPU: choose webgpu-chromium";

export async function probeAdapter(): Promise<AdapterProbe> {
  return { why: NO_DAWN_IN_ELECTRON };
}

export async function startWebgpu(_allowSoftware: boolean): Promise<GpuAdapterDescription> {
  throw new Error(NO_DAWN_IN_ELECTRON);
}

export function stopWebgpu(): void {}
