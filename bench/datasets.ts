// The benchmark's data: MNIST as shipped (28x28), and a 64x64 grey set the size of the face
// datasets people train on (MNIST digits upscaled bilinearly: the content does not change
// the speed, and it needs no download or folder of faces).
import { writeDatasetFile } from '../src/main/core/data/dataset-file.js';
import { loadMnist } from '../src/main/core/data/mnist.js';
import type { Dataset } from '../src/main/core/types.js';

export async function writeMnist(file: string): Promise<Dataset> {
  const ds = await loadMnist();
  await writeDatasetFile(file, ds);
  return ds;
}

/** The first `train` training and `test` test digits of `ds`, upscaled to side x side. */
export async function writeUpscaled(file: string, ds: Dataset, side: number, train: number, test: number): Promise<void> {
  const pick: number[] = [];
  for (let i = 0, a = 0, b = 0; i < ds.n && (a < train || b < test); i++) {
    if (ds.split[i] === 0 && a < train) {
      pick.push(i);
      a++;
    } else if (ds.split[i] === 1 && b < test) {
      pick.push(i);
      b++;
    }
  }
  const src = ds.height;
  const out = new Uint8Array(pick.length * side * side);
  const scale = (src - 1) / (side - 1);
  pick.forEach((i, k) => {
    const img = ds.pixels.subarray(i * src * src, (i + 1) * src * src);
    for (let y = 0; y < side; y++) {
      const fy = y * scale;
      const y0 = Math.floor(fy);
      const y1 = Math.min(src - 1, y0 + 1);
      const wy = fy - y0;
      for (let x = 0; x < side; x++) {
        const fx = x * scale;
        const x0 = Math.floor(fx);
        const x1 = Math.min(src - 1, x0 + 1);
        const wx = fx - x0;
        const top = img[y0 * src + x0]! * (1 - wx) + img[y0 * src + x1]! * wx;
        const bottom = img[y1 * src + x0]! * (1 - wx) + img[y1 * src + x1]! * wx;
        out[k * side * side + y * side + x] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  });
  await writeDatasetFile(file, {
    n: pick.length,
    height: side,
    width: side,
    channels: 1,
    pixels: out,
    labels: Int32Array.from(pick.map((i) => ds.labels[i]!)),
    split: Uint8Array.from(pick.map((i) => ds.split[i]!)),
    labelNames: ds.labelNames,
  });
}
