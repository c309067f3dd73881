// explore/: written by the explore engineer (split off by the lead); the ML-engine engineer builds on it, does not rewrite it.
// Nearest training images of a generated or reconstructed one: "is the model just copying?".
// Plain JS over the uint8 pixels (60k x 784 is ~47M byte ops): no tensors, no copies.

/**
 * The k training images closest to `query` in pixel L2 distance (0..255 units), nearest
 * first. pixelsTrain holds n images of query.length bytes each.
 */
export function nearestTraining(
  pixelsTrain: Uint8Array,
  n: number,
  query: Uint8Array,
  k: number,
): { indices: number[]; distances: number[] } {
  const d = query.length;
  if (d === 0) throw new Error('explore.nearestTraining: query is empty');
  if (!Number.isInteger(n) || n < 0 || pixelsTrain.length < n * d) {
    throw new Error(`explore.nearestTraining: pixelsTrain holds ${pixelsTrain.length} bytes, fewer than n=${n} images of ${d} bytes`);
  }
  if (!Number.isInteger(k) || k < 1) throw new Error(`explore.nearestTraining: k must be an integer >= 1, got ${k}`);
  const kk = Math.min(k, n);
  // best kk so far, sorted ascending by squared distance
  const bestD = new Float64Array(kk).fill(Infinity);
  const bestI = new Int32Array(kk).fill(-1);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    const bound = bestD[kk - 1]!;
    let sum = 0;
    let j = 0;
    // check the bound every 64 pixels: most images are abandoned early
    while (j < d) {
      const end = Math.min(d, j + 64);
      for (; j < end; j++) {
        const e = pixelsTrain[o + j]! - query[j]!;
        sum += e * e;
      }
      if (sum >= bound) break;
    }
    if (sum >= bound) continue;
    let p = kk - 1;
    while (p > 0 && bestD[p - 1]! > sum) {
      bestD[p] = bestD[p - 1]!;
      bestI[p] = bestI[p - 1]!;
      p--;
    }
    bestD[p] = sum;
    bestI[p] = i;
  }
  return { indices: Array.from(bestI), distances: Array.from(bestD, Math.sqrt) };
}
