// A zero-copy Identity kernel for the wasm backend. tfjs-backend-wasm's own copies the
// tensor's bytes, and the engine runs Identity for every tensor a custom gradient saves for
// its backward pass (engine.clone in customGrad's save): on the 28x28 conv VAE that was
// 2.7 ms of a 89 ms step, copying activations nobody writes to. Tensor data is never
// written in place (a variable's assign swaps in a new data id), so sharing the bytes under
// a second reference is safe, as tfjs's own Reshape and the cpu backend's Identity do.
// One catch: tfjs-wasm caches XNNPACK operators per tensor (a conv's filter, a matmul's second
// operand), and a saved weight now is the forward's tensor. Used as a conv filter and then as
// a matmul's second operand, it aborted the engine a few calls later (odd shapes, in a
// sequence); layers.ts keeps saved weights out of that second-operand place.
import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './wasm-override.js';

interface WasmBackend {
  incRef(dataId: object): void;
}

/** Replaces wasm's Identity with one that shares the input's data. */
export function shareIdentityOnWasm(): void {
  overrideWasmKernel('Identity', (stock) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    // strings live outside the heap: the stock kernel handles them
    if (x.dtype === 'string') return stock(args);
    (args.backend as unknown as WasmBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}
