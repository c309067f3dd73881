// Numbers about a trained run over its test split: bounds, reconstruction error, active
// units, a CVAE's accuracy as a classifier (stored with the epoch), and the worst images.
import type { Handlers } from '../../dispatch';
import type { Evaluation } from '../../../shared/records';
import * as explore from '../explore';
import type { VaeModel } from '../model/vae.js';
import type { Dataset } from '../types';
import * as q from '../store/queries';
import type { Context } from './context';
import { withModel } from './loaded';
import { gather, testIndices } from './selection';

/** Images the per-dimension KL of an evaluation looks at (enough to count active units). */
const KL_IMAGES = 2000;
/** Training images the PCA baseline is fitted on (its covariance is D x D whatever the count). */
const PCA_IMAGES = 5000;

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

export function evaluationHandlers(ctx: Context): Pick<Handlers, 'explore:evaluate' | 'explore:outliers'> {
  return {
    'explore:evaluate': (a) =>
      withModel(ctx, a.runId, ({ run, model, data, epoch }) => {
        const idx = testIndices(data, a.limit ?? Number.MAX_SAFE_INTEGER);
        const { pixels, labels } = gather(data, idx);
        const isCvae = run.config.model === 'cvae';
        const ev = explore.evaluate(model, pixels, isCvae ? labels : undefined, { iwae: a.iwae });
        const dims = explore.perDimensionKl(
          model,
          pixels.subarray(0, Math.min(idx.length, KL_IMAGES) * data.height * data.width * data.channels),
          isCvae ? labels.subarray(0, KL_IMAGES) : undefined,
        );
        let accuracy: number | null = null;
        if (isCvae) {
          const pred = explore.classify(model, pixels);
          let right = 0;
          for (let i = 0; i < idx.length; i++) if (pred[i] === labels[i]) right++;
          accuracy = right / idx.length;
        }
        const result = {
          runId: run.id,
          images: idx.length,
          elbo: ev.elbo,
          iwae: a.iwae > 1 ? ev.iwae : null,
          k: a.iwae,
          mse: ev.mse,
          psnr: ev.psnr,
          activeUnits: dims.activeUnits,
          accuracy,
          ...levelsOf(model, pixels.subarray(0, Math.min(idx.length, KL_IMAGES) * data.height * data.width * data.channels)),
          ...pcaBaseline(model, data, pixels),
        };
        q.insertEvaluation(ctx.db, { ...result, epoch });
        return result;
      }),

    'explore:outliers': (a) =>
      withModel(ctx, a.runId, ({ run, model, data }) => {
        const idx = testIndices(data, Number.MAX_SAFE_INTEGER);
        const { pixels, labels } = gather(data, idx);
        const scores = explore.perImageLoss(model, pixels, run.config.model === 'cvae' ? labels : undefined);
        const order = idx.map((_, i) => i).sort((x, y) => scores[y]! - scores[x]!);
        const top = order.slice(0, a.limit);
        return { indices: top.map((i) => idx[i]!), scores: top.map((i) => scores[i]!) };
      }),
  };
}
