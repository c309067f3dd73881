#!/usr/bin/env bash
# The engine benchmark on a machine with a GPU, in under 5 minutes, installing nothing:
#   bash bench/gpu.sh            (after npm ci; results appended to bench/results.md, and
#                                 copied to $OUT/results.md when $OUT is set)
# Rows: tfjs-node-gpu (where it loads), webgpu-chromium on the adapter a headless Chromium
# finds (the system's, or the one npm brought), webgpu on the adapter Dawn finds, PyTorch on
# CUDA (where a python3 imports a torch that sees a GPU; the row says why not otherwise), wasm
# with one thread per core; models: the reference MLP VAE, the 28x28 conv VAE, the 64x64 grey conv VAE.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/@tensorflow/tfjs-core ]; then
  echo "gpu.sh: node_modules is missing; run npm ci first (this script installs nothing)" >&2
  exit 1
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
node --input-type=module -e "
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const a = await create([]).requestAdapter({ powerPreference: 'high-performance' });
  console.log('Dawn adapter:', a ? JSON.stringify({ vendor: a.info.vendor, architecture: a.info.architecture, device: a.info.device, description: a.info.description }) : 'none');
  process.exit(0);
" 2>&1 | grep -v '^Warning: ' || true
npx tsx -e "
  const { probePageAdapter } = await import('./src/main/core/engines/chromium/probe.ts');
  const p = await probePageAdapter();
  console.log('Chromium adapter:', 'why' in p ? 'none (' + p.why + ')' : JSON.stringify(p.adapter));
" || true
results=${BENCH_RESULTS:-bench/results.md}
BENCH_RESULTS=$results timeout 290 npx tsx bench/bench.ts --engines tfjs-node-gpu,webgpu-chromium,webgpu,torch-cuda,wasm-N --models mlp,conv28,conv64 --no-import
if [ -n "${OUT:-}" ]; then cp "$results" "$OUT/results.md"; fi
