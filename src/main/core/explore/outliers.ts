// The outliers of a run, computed from a model and its dataset alone (no database, no caches),
// so the same code runs in the outliers worker (outliers-worker.ts): every test image's
// negative ELBO, the worst `limit` first.
import * as explore from './';
import type { VaeModel } from '../model/vae.js';
import type { Dataset, TrainConfig } from '../types';
import { gather, testIndices } from '../handlers/selection';

/** Images scored per progress report: MNIST's 10,000 test images give ten. */
export const OUTLIER_CHUNK = 1000;

export interface OutliersAsk {
  config: TrainConfig;
  limit: number;
}

export interface Outliers {
  indices: number[];
  scores: number[];
}

/** The `limit` test images with the highest negative ELBO (nats), worst first; `step` says images done of all. */
export function computeOutliers(
  model: VaeModel,
  data: Dataset,
  a: OutliersAsk,
  step: (done: number, total: number) => void = () => undefined,
): Outliers {
  const idx = testIndices(data, Number.MAX_SAFE_INTEGER);
  const { pixels, labels } = gather(data, idx);
  const size = data.height * data.width * data.channels;
  const isCvae = a.config.model === 'cvae';
  const scores = new Float32Array(idx.length);
  step(0, idx.length);
  for (let s = 0, chunk = 0; s < idx.length; s += OUTLIER_CHUNK, chunk++) {
    const e = Math.min(idx.length, s + OUTLIER_CHUNK);
    // a seed per chunk, so each image has its own draw of z (chunk 0 keeps perImageLoss's default seed 1)
    const part = explore.perImageLoss(model, pixels.subarray(s * size, e * size), isCvae ? labels.subarray(s, e) : undefined, 1 + chunk);
    scores.set(part, s);
    step(e, idx.length);
  }
  const order = idx.map((_, i) => i).sort((x, y) => scores[y]! - scores[x]!);
  const top = order.slice(0, a.limit);
  return { indices: top.map((i) => idx[i]!), scores: top.map((i) => scores[i]!) };
}
