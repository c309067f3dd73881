// How a WebGPU adapter is named for people, the same in the trainer page and in a browser tab
// that offers its own GPU: "SwiftShader" for Chromium's software rasterizer, else what the
// adapter says of itself, and whether it is software (slower than wasm).

/** GPUAdapterInfo's fields are not enumerable: read by name. */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface AdapterName {
  /** "SwiftShader", "Apple M2", "NVIDIA GeForce RTX 4090" */
  name: string;
  /** a software rasterizer (SwiftShader, llvmpipe, WARP): slower than wasm */
  software: boolean;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|\bwarp\b|software|microsoft basic render/i;

/** `fallback`: the adapter's own isFallbackAdapter, where the browser puts it on the adapter */
export function adapterName(info: AdapterInfoLike, fallback = false): AdapterName {
  const raw = info.description || info.device || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const seen = `${raw} ${info.architecture ?? ''}`;
  return {
    name: /swiftshader/i.test(seen) ? 'SwiftShader' : raw,
    software: fallback || info.isFallbackAdapter === true || SOFTWARE.test(seen),
  };
}
