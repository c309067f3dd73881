// Replacing one of tfjs-backend-wasm's kernels with ours, once per process, keeping the stock
// kernel for the cases ours leaves to it. Call after the wasm backend is registered.
import * as tf from '@tensorflow/tfjs-core';

const replaced = new Set<string>();

/** Registers `make(stock)` as wasm's `kernelName` kernel; a second call, or a kernel wasm lacks, does nothing. */
export function overrideWasmKernel(kernelName: string, make: (stock: tf.KernelFunc) => tf.KernelFunc): void {
  if (replaced.has(kernelName)) return;
  replaced.add(kernelName);
  const stock = tf.getKernel(kernelName, 'wasm');
  if (!stock) return;
  tf.unregisterKernel(kernelName, 'wasm');
  // the stock kernel's setup and dispose come along: tfjs runs setupFunc for every wasm
  // backend it makes (Transpose's binds its C++ function), and the fallback needs that
  tf.registerKernel({ ...stock, kernelFunc: make(stock.kernelFunc) });
}
