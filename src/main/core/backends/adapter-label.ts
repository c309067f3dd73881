// How a WebGPU adapter is described and named for people, whatever found it (Dawn in Node,
// a Chromium page). Pure, so the Electron build's stand-in for Dawn (electron/no-dawn.ts) shares it.

export interface GpuAdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** a CPU implementation of WebGPU (llvmpipe/lavapipe, SwiftShader, WARP): slower than wasm */
  software: boolean;
}

/** One line for people: "webgpu · NVIDIA H200 (nvidia)" or "webgpu · llvmpipe (software, slow)". */
export function adapterLabel(a: GpuAdapterDescription): string {
  const name = a.description || a.device || a.architecture || 'unknown adapter';
  const short = name.split(':')[0]!.trim();
  return `webgpu · ${short} (${a.software ? 'software, slow' : a.vendor || 'gpu'})`;
}
