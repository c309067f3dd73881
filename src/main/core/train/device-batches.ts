// The training images held on the device (a GPU through WebGPU, or tfjs-node's native
// memory) as one float tensor, so a step uploads its batch's indices, not its pixels: on a
// GPU the upload of 128 x 784 floats per step costs more than the step's kernels.
import * as tf from '@tensorflow/tfjs-core';
import type { BatchSource } from './batch.js';

/** Above this the pixels stay in JS memory and each batch is uploaded (a big face set). */
const MAX_DEVICE_BYTES = 1 << 30;

/**
 * The largest tensor this backend can hold in one buffer: a WebGPU adapter limits a storage
 * binding (128 MiB on llvmpipe, often 2-4 GiB on GPUs); a bigger one fails its command buffer
 * and every number after it is garbage.
 */
function deviceLimit(): number {
  const device = (tf.backend() as unknown as { device?: { limits?: { maxStorageBufferBindingSize?: number; maxBufferSize?: number } } })
    .device;
  const l = device?.limits;
  return Math.min(MAX_DEVICE_BYTES, l?.maxStorageBufferBindingSize ?? Infinity, l?.maxBufferSize ?? Infinity);
}

/** Backends whose memory is not this thread's JS heap. */
const DEVICE_BACKENDS = new Set(['webgpu', 'tensorflow']);

export interface BatchMaker {
  /** x [rows, D] in 0..1 (and one-hot y [rows, K]) for rows order[from .. from+rows) */
  tensors(order: Int32Array, from: number, rows: number): { x: tf.Tensor2D; y?: tf.Tensor2D };
  dispose(): void;
}

/** The resident batches for this backend and dataset, or null where they do not fit or help. */
export function deviceBatches(data: BatchSource, conditional: boolean, numClasses: number): BatchMaker | null {
  const d = data.height * data.width * data.channels;
  const n = data.pixels.length / d;
  if (!DEVICE_BACKENDS.has(tf.getBackend()) || n * d * 4 > deviceLimit()) return null;
  // the same numbers fillBatch makes: pixel * (1/255), rounded to float32
  const scaled = new Float32Array(n * d);
  const s = 1 / 255;
  for (let i = 0; i < scaled.length; i++) scaled[i] = data.pixels[i]! * s;
  const images = tf.tensor2d(scaled, [n, d]);
  const labels = conditional ? tf.tensor1d(data.labels, 'int32') : null;
  return {
    tensors(order, from, rows) {
      return tf.tidy(() => {
        const at = order.subarray(from, from + rows);
        const mirrored = at.some((i) => i < 0);
        // a row given as ~i (batch.ts's flipped) is image i mirrored left to right
        const idx = tf.tensor1d(mirrored ? at.map((i) => (i < 0 ? ~i : i)) : at, 'int32');
        let x = tf.gather(images, idx) as tf.Tensor2D;
        if (mirrored) {
          const flippedX = tf.reshape(tf.reverse(tf.reshape(x, [rows, data.height, data.width, data.channels]), 2), [rows, d]);
          const mask = tf.tensor2d(
            Array.from(at, (i) => (i < 0 ? 1 : 0)),
            [rows, 1],
            'bool',
          );
          x = tf.where(tf.broadcastTo(mask, [rows, d]), flippedX, x) as tf.Tensor2D;
        }
        // a label outside 0..K-1 (unlabelled: -1) is an all-zero row, as in fillBatch
        // float32 like fillBatch's y: oneHot gives int32, which a matMul would not mix with floats
        const y = labels ? (tf.cast(tf.oneHot(tf.gather(labels, idx), numClasses), 'float32') as tf.Tensor2D) : undefined;
        return y ? { x, y } : { x };
      });
    },
    dispose() {
      images.dispose();
      labels?.dispose();
    },
  };
}
