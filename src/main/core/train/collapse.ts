// Posterior collapse, said during the run: when the KL of most latent dimensions falls below
// COLLAPSE_NATS on the held-out images, the decoder has learned to ignore the code (a conv VAE
// on faces reached 0.76 nats in all by epoch 6 with no warm-up, and nothing said so).
import { perDimensionKl } from '../explore/metrics.js';
import type { VaeModel } from '../model/vae.js';
import type { Dataset, TrainConfig } from '../types.js';

export const COLLAPSE_NATS = 0.01;
/** held-out images measured (enough for a stable mean KL per dimension) */
const SAMPLE = 500;

/** How many dimensions carry less than COLLAPSE_NATS of KL each. */
export function collapsedDims(kl: readonly number[]): number {
  return kl.filter((v) => v < COLLAPSE_NATS).length;
}

/**
 * The warning for this epoch, or null: checked once the warm-up and the first two epochs are
 * over (a KL still rising is no collapse), for models with a KL term, on backends that read
 * synchronously (not WebGPU).
 */
export function collapseWarning(
  model: VaeModel,
  ds: Dataset,
  test: Int32Array,
  cfg: TrainConfig,
  epoch: number,
  backend: string,
): string | null {
  if (cfg.model === 'ae' || cfg.model === 'dae' || backend === 'webgpu' || test.length === 0) return null;
  if (epoch < Math.max(3, (cfg.warmup ?? 0) + 1)) return null;
  const n = Math.min(SAMPLE, test.length);
  const size = ds.height * ds.width * ds.channels;
  const pixels = new Uint8Array(n * size);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const at = test[i]!;
    pixels.set(ds.pixels.subarray(at * size, (at + 1) * size), i * size);
    labels[i] = ds.labels[at]!;
  }
  const { kl } = perDimensionKl(model, pixels, cfg.model === 'cvae' ? labels : undefined);
  const low = collapsedDims(kl);
  if (low * 2 <= kl.length) return null;
  const total = kl.reduce((a, b) => a + b, 0);
  return (
    `posterior collapse: ${low} of ${kl.length} latent dimensions carry under ${COLLAPSE_NATS} nats of KL after epoch ${epoch} ` +
    `(${total.toFixed(2)} nats in all), so the decoder is ignoring the code; train again with a KL warm-up (e.g. 10 epochs), a smaller beta or a smaller latent`
  );
}
