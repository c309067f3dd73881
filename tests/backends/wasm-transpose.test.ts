// The wasm backend's SIMD 2-D transpose (backends/wasm-transpose.ts) against the cpu
// backend's transpose, bit for bit: every size from 1 to 9 each way (the 4x4 blocks and the
// edges past them), the model's own shapes, the perms that reduce to a 2-D swap and some
// that do not (the stock kernel's), int32 as well as float32, and a heap that grew after
// the SIMD function was made.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { asTwoD, simdTransposeCalls } from '../../src/main/core/backends/wasm-transpose.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** integers as the bits to compare: a float32 view of random int32s would hold NaNs */
function values(n: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s | 0;
  }
  return out;
}

/** transposes on wasm and on cpu; the bits of both, as int32 */
async function both(shape: number[], perm: number[], dtype: 'float32' | 'int32'): Promise<[Int32Array, Int32Array, number[]]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const bits = values(n, n * 31 + perm.length);
  // float32: finite values only, so no backend may rewrite a NaN's payload
  const data = dtype === 'int32' ? bits : Float32Array.from(bits, (v) => v / 65536);
  const run = async (backend: 'wasm' | 'cpu') => {
    await initBackend(backend);
    const x = tf.tensor(data, shape, dtype);
    const y = tf.transpose(x, perm);
    const out = new Int32Array((y.dataSync() as Float32Array | Int32Array).slice().buffer);
    const outShape = y.shape;
    tf.dispose([x, y]);
    return { out, outShape };
  };
  const ref = await run('cpu');
  const got = await run('wasm');
  expect(got.outShape).toEqual(ref.outShape);
  return [got.out, ref.out, got.outShape];
}

function sameBits(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

describe('wasm 2-D transpose', () => {
  it('reduces a perm to a 2-D swap where it is one, and only then', () => {
    expect(asTwoD([64, 3136], [1, 0])).toEqual([64, 3136]);
    expect(asTwoD([64, 14, 14, 32], [3, 0, 1, 2])).toEqual([12544, 32]);
    expect(asTwoD([64, 14, 14, 32], [1, 2, 3, 0])).toEqual([64, 6272]);
    expect(asTwoD([13, 1, 6], [2, 1, 0])).toEqual([13, 6]);
    expect(asTwoD([3, 4, 5], [0, 2, 1])).toBeNull();
    expect(asTwoD([448, 7, 2, 64], [0, 2, 1, 3])).toBeNull();
    expect(asTwoD([4, 5], [0, 1])).toBeNull();
    expect(asTwoD([1, 5], [1, 0])).toBeNull();
  });

  it('equals the cpu transpose bit for bit at every size from 1x1 to 9x9', async () => {
    const wrong: string[] = [];
    for (let r = 1; r <= 9; r++)
      for (let c = 1; c <= 9; c++)
        for (const dtype of ['float32', 'int32'] as const) {
          const [got, ref] = await both([r, c], [1, 0], dtype);
          if (!sameBits(got, ref)) wrong.push(`${r}x${c} ${dtype}`);
        }
    expect(wrong).toEqual([]);
  });

  it('takes the SIMD path for a 2-D swap and the stock kernel for the rest', async () => {
    await initBackend('wasm');
    const x = tf.ones([3, 4, 5]);
    const before = simdTransposeCalls();
    tf.transpose(x, [2, 0, 1]).dispose();
    expect(simdTransposeCalls(), '[3, 4, 5] by [2, 0, 1] is [12, 5] swapped').toBe(before + 1);
    tf.transpose(x, [0, 2, 1]).dispose();
    tf.transpose(tf.cast(x, 'bool'), [2, 0, 1]).dispose();
    expect(simdTransposeCalls(), 'a batched swap and a 1-byte dtype go to the stock kernel').toBe(before + 1);
    x.dispose();
  });

  it("equals it on the models' shapes and on perms of higher rank", async () => {
    const cases: [number[], number[]][] = [
      [
        [64, 3136],
        [1, 0],
      ],
      [
        [3136, 256],
        [1, 0],
      ],
      [
        [256, 3137],
        [1, 0],
      ],
      [
        [258, 19],
        [1, 0],
      ],
      [
        [64, 14, 14, 32],
        [3, 0, 1, 2],
      ],
      [
        [64, 14, 14, 32],
        [1, 2, 3, 0],
      ],
      [
        [5, 7, 9],
        [2, 0, 1],
      ],
      [
        [5, 7, 9],
        [1, 2, 0],
      ],
      [
        [5, 7, 9],
        [0, 2, 1],
      ],
      [
        [5, 7, 9],
        [2, 1, 0],
      ],
      [
        [448, 7, 2, 64],
        [0, 2, 1, 3],
      ],
      [
        [6, 1, 10],
        [2, 1, 0],
      ],
    ];
    for (const [shape, perm] of cases) {
      const [got, ref] = await both(shape, perm, 'float32');
      expect(sameBits(got, ref), `[${shape}] by [${perm}]`).toBe(true);
    }
  });

  it('still reads and writes the right bytes after the heap has grown', async () => {
    await initBackend('wasm');
    const first = tf.transpose(tf.ones([8, 12]));
    first.dispose();
    // 256 MB more than the heap had: wasm's memory grows, and its buffer is a new one
    const big = tf.zeros([64 * 1024 * 1024]);
    const [got, ref] = await both([36, 44], [1, 0], 'float32');
    await initBackend('wasm');
    big.dispose();
    expect(sameBits(got, ref)).toBe(true);
  });

  it('works on a wasm backend made anew, the stock kernel included', async () => {
    await initBackend('wasm');
    const engine = tf.engine() as unknown as { registryFactory: Record<string, { factory: () => tf.KernelBackend; priority: number }> };
    const { factory, priority } = engine.registryFactory['wasm']!;
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', factory, priority);
    const before = simdTransposeCalls();
    for (const [shape, perm] of [
      [
        [5, 7, 9],
        [0, 2, 1],
      ],
      [
        [6, 10],
        [1, 0],
      ],
    ] as [number[], number[]][]) {
      const [got, ref] = await both(shape, perm, 'float32');
      expect(sameBits(got, ref), `[${shape}] by [${perm}]`).toBe(true);
    }
    expect(simdTransposeCalls()).toBe(before + 1);
  });
});
