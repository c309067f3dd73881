// The numbers of an evaluation, computed from a model and its dataset alone (no database, no
// caches), so the same code runs in the evaluation worker (evaluate-worker.ts) and nowhere else.
import type { Evaluation } from '../../../shared/records';
import * as explore from './';
import type { VaeModel } from '../model/vae.js';
import type { Dataset, TrainConfig } from '../types';
import { gather, testIndices } from '../handlers/selection';

/** Images the per-dimension KL of an evaluation looks at (enough to count active units). */
const KL_IMAGES = 2000;
/** Training images the PCA baseline is fitted on (its covariance is D x D whatever the count). */
const PCA_IMAGES = 5000;

export interface EvaluationAsk {
  runId: number;
  config: TrainConfig;
  iwae: number;
  limit?: number;
}

/** vae and hvae: the KL and active units of each latent level */
function levelsOf(model: VaeModel, pixels: Uint8Array): Pick<Evaluation, 'levels'> {
  if (!model.stochastic || model.conditional) return {};
  return {
    levels: explore
      .levelReport(model, pixels)
      .map(({ level, latent, kl, activeUnits, ranked }) => ({ level, latent, kl, activeUnits, ranked })),
  };
}

/** PCA with the model's number of latent units, fitted on up to PCA_IMAGES training images. */
function pcaBaseline(model: VaeModel, data: Dataset, testPixels: Uint8Array): Pick<Evaluation, 'pca'> {
  if (!model.decodesImages) return {};
  const train: number[] = [];
  for (let i = 0; i < data.n && train.length < PCA_IMAGES; i++) if (data.split[i] === 0) train.push(i);
  const components = model.latent;
  if (train.length < components + 1) return {};
  const pca = explore.fitPca(gather(data, train).pixels, model.inputSize, components);
  return { pca: { components, trainImages: train.length, ...explore.pcaError(pca, testPixels) } };
}

/** Bounds, reconstruction error, active units, a CVAE's accuracy and the PCA baseline; `step` says each phase. */
export function computeEvaluation(
  model: VaeModel,
  data: Dataset,
  a: EvaluationAsk,
  step: (done: number, detail: string) => void = () => undefined,
): Evaluation {
  const idx = testIndices(data, a.limit ?? Number.MAX_SAFE_INTEGER);
  const { pixels, labels } = gather(data, idx);
  const isCvae = a.config.model === 'cvae';
  step(0, a.iwae > 1 ? `IWAE bound, k = ${a.iwae}, over ${idx.length} images` : `ELBO over ${idx.length} images`);
  const ev = explore.evaluate(model, pixels, isCvae ? labels : undefined, { iwae: a.iwae });
  step(1, 'KL per dimension');
  const klPixels = pixels.subarray(0, Math.min(idx.length, KL_IMAGES) * data.height * data.width * data.channels);
  const dims = explore.perDimensionKl(model, klPixels, isCvae ? labels.subarray(0, KL_IMAGES) : undefined);
  let accuracy: number | null = null;
  if (isCvae) {
    const pred = explore.classify(model, pixels);
    let right = 0;
    for (let i = 0; i < idx.length; i++) if (pred[i] === labels[i]) right++;
    accuracy = right / idx.length;
  }
  step(2, 'latent levels');
  const levels = levelsOf(model, klPixels);
  step(3, 'PCA baseline');
  const pca = pcaBaseline(model, data, pixels);
  step(4, 'done');
  return {
    runId: a.runId,
    images: idx.length,
    elbo: ev.elbo,
    iwae: a.iwae > 1 ? ev.iwae : null,
    k: a.iwae,
    mse: ev.mse,
    psnr: ev.psnr,
    activeUnits: dims.activeUnits,
    accuracy,
    ...levels,
    ...pca,
  };
}

/** Phases computeEvaluation reports (its last `step` is this). */
export const EVALUATION_STEPS = 4;
