// Posterior collapse: a model whose code carries (almost) nothing about the image. The decoder
// then draws the mean image whatever the code, and every sweep is one picture. A conv VAE on
// the faces reached 0 of 16 active dimensions and 0.52 nats of KL after 15 epochs and was
// listed "done". Measured once per epoch on held-out images (codeUse), said as a warning during
// the run (collapseWarning), and turned into the run's ending (collapseVerdict, called where the
// run's status is decided).
import { ACTIVE_UNIT_THRESHOLD, perDimensionKlAsync } from '../explore/metrics.js';
import type { VaeModel } from '../model/vae.js';
import type { Dataset, EpochResult, TrainConfig } from '../types.js';

export const COLLAPSE_NATS = 0.01;
/**
 * A run ends collapsed with fewer active dimensions than this: a 2-D sweep needs two dimensions
 * that change the image. (A healthy MNIST VAE has 9+ of 20 after one epoch; the faces' MLP 10 of 10.)
 */
export const MIN_ACTIVE_UNITS = 2;
/** A dimension carrying less KL than this (nats, on held-out images) tells the decoder next to nothing. */
export const USED_NATS = 0.1;
/**
 * Runs shorter than this many optimizer steps are not judged: the encoder has barely left its
 * initial weights, which is an unfinished model, not a collapsed one. (The faces' conv VAE
 * collapsed within 180 steps.)
 */
export const MIN_JUDGED_STEPS = 150;
/**
 * A run of fewer steps is judged all the same after this many epochs, where no dimension is in
 * use at all: each image has been seen that often, and the faces' conv VAE at batch 128 (3 steps
 * an epoch) reached 0 of 16 dimensions and 0.14 nats within 15 epochs, 45 steps.
 */
export const MIN_JUDGED_EPOCHS = 10;
/** held-out images measured (enough for a stable mean KL per dimension) */
const SAMPLE = 500;

/** What the code carries, on held-out images: active dimensions and the KL of each. */
export interface CodeUse {
  /** dimensions whose mean varies across images by more than ACTIVE_UNIT_THRESHOLD */
  activeUnits: number;
  latent: number;
  /** KL per dimension, nats */
  kl: number[];
}

/** How many dimensions carry less than COLLAPSE_NATS of KL each. */
export function collapsedDims(kl: readonly number[]): number {
  return kl.filter((v) => v < COLLAPSE_NATS).length;
}

/**
 * The code's use on up to SAMPLE held-out images, or null where there is nothing to measure:
 * models with no KL term (ae, dae), no held-out images. Read asynchronously, so WebGPU (a
 * trainer page, Dawn) measures it as every other backend does.
 */
export async function codeUse(model: VaeModel, ds: Dataset, test: Int32Array, cfg: TrainConfig): Promise<CodeUse | null> {
  if (cfg.model === 'ae' || cfg.model === 'dae' || test.length === 0) return null;
  const n = Math.min(SAMPLE, test.length);
  const size = ds.height * ds.width * ds.channels;
  const pixels = new Uint8Array(n * size);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const at = test[i]!;
    pixels.set(ds.pixels.subarray(at * size, (at + 1) * size), i * size);
    labels[i] = ds.labels[at]!;
  }
  const { kl, activeUnits } = await perDimensionKlAsync(model, pixels, cfg.model === 'cvae' ? labels : undefined);
  return { activeUnits, latent: kl.length, kl };
}

/**
 * The warning for this epoch, or null: said once the warm-up and the first two epochs are over
 * (a KL still rising is no collapse), when most dimensions carry next to no KL.
 */
export function collapseWarning(use: CodeUse | null, cfg: Pick<TrainConfig, 'warmup'>, epoch: number): string | null {
  if (!use || epoch < Math.max(3, (cfg.warmup ?? 0) + 1)) return null;
  const low = collapsedDims(use.kl);
  if (low * 2 <= use.kl.length) return null;
  const total = use.kl.reduce((a, b) => a + b, 0);
  return (
    `posterior collapse: ${low} of ${use.kl.length} latent dimensions carry under ${COLLAPSE_NATS} nats of KL after epoch ${epoch} ` +
    `(${total.toFixed(2)} nats in all), so the decoder is ignoring the code; train again with a KL warm-up (e.g. 10 epochs), a smaller beta or a smaller latent`
  );
}

export interface CollapseVerdict {
  status: 'collapsed';
  reason: string;
}

/**
 * How a run that trained to its end is judged: collapsed when, after at least MIN_JUDGED_STEPS
 * steps, fewer than MIN_ACTIVE_UNITS dimensions are in use (after MIN_JUDGED_EPOCHS epochs of
 * fewer steps: none at all), else null (done). In use: the mean
 * varies across images (an active unit) and the dimension carries USED_NATS of KL or more. The
 * active-unit count alone missed a collapse: a faces VAE with beta 100 kept 6 of 10 "active" at
 * 0.13 nats of KL in all, every dimension under 0.03. Pure, so the rule is tested on numbers.
 */
export function collapseVerdict(last: Pick<EpochResult, 'epoch' | 'step' | 'activeUnits' | 'dimKl'> | null): CollapseVerdict | null {
  if (!last || last.activeUnits === undefined || !last.dimKl) return null;
  const { activeUnits, dimKl: kl } = last;
  const latent = kl.length;
  const short = last.step < MIN_JUDGED_STEPS;
  if (latent < MIN_ACTIVE_UNITS || (short && last.epoch < MIN_JUDGED_EPOCHS)) return null;
  const informative = kl.filter((v) => v >= USED_NATS).length;
  const used = Math.min(activeUnits, informative);
  // a short run with one dimension in use may be a small code still learning: only none is judged
  if (used >= MIN_ACTIVE_UNITS || (short && used > 0)) return null;
  const total = kl.reduce((a, b) => a + b, 0);
  return {
    status: 'collapsed',
    reason:
      `posterior collapse: ${used} of ${latent} latent dimensions in use after epoch ${last.epoch} ` +
      `(${activeUnits} whose mean varies over held-out images by more than ${ACTIVE_UNIT_THRESHOLD}, ${informative} with ${USED_NATS} nats of KL or more; ` +
      `${total.toFixed(2)} nats in all): every code decodes to about the same image. ` +
      'Retry with safer settings (an MLP, a KL warm-up, beta 1, a Gaussian decoder for photographs)',
  };
}
