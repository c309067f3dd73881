// Numbers that compare across likelihoods and datasets. A held-out loss is nats per image, of
// a density whose scale depends on the likelihood (a Gaussian's can go far below 0), so it says
// little beside another run's. Bits per dimension (per pixel and channel) of the 8-bit images,
// with the discretization of the literature (Theis, van den Oord & Bethge 2016; the PixelCNN and
// flow papers), and PSNR of the reconstructions do compare.
import type { TrainConfigParsed } from './contract';
import { TRAIN_DEFAULTS } from './limits';

export type BpdKind =
  /** a density over [0, 1] pixels turned into probabilities of 8-bit values: comparable */
  | '8-bit'
  /** a likelihood of binarized pixels: comparable with other binarized runs only */
  | 'binary'
  /** Bernoulli on grey pixels: a cross-entropy, not a likelihood of the images */
  | 'cross-entropy';

export interface Bpd {
  value: number;
  kind: BpdKind;
  /** an AE (or denoising AE) has no KL: its figure bounds nothing, it measures reconstruction */
  reconstructionOnly: boolean;
  /**
   * a Gaussian decoder of fixed spread: the figure grows with the spread whatever the model
   * (sigma 0.5 on the faces: 8.35, sigma 0.2: 7.14), so it compares with runs of the same spread
   */
  fixedSigma?: number;
}

const LN2 = Math.LN2;

/**
 * Bits per dimension from a negative ELBO (or reconstruction loss) in nats per image.
 * For a density p on x / 256 in [0, 1]^D, the probability of the 8-bit image is about
 * p(x / 256) / 256^D, so -log2 P(x) / D = nats / (D ln 2) + 8. (Our pixels are x / 255; the
 * literature's 256 is kept so figures compare with papers: the two differ by 0.006 bits.)
 */
export function bitsPerDim(
  natsPerImage: number,
  dims: number,
  config: Pick<TrainConfigParsed, 'likelihood' | 'model'> & { sigma?: number },
): Bpd {
  const perDim = natsPerImage / (dims * LN2);
  const kind: BpdKind = config.likelihood === 'binarized' ? 'binary' : config.likelihood === 'bernoulli' ? 'cross-entropy' : '8-bit';
  return {
    value: kind === '8-bit' ? perDim + 8 : perDim,
    kind,
    reconstructionOnly: config.model === 'ae' || config.model === 'dae',
    ...(config.likelihood === 'gaussian' ? { fixedSigma: config.sigma ?? TRAIN_DEFAULTS.sigma } : {}),
  };
}

/** PSNR in dB of a mean squared error on pixels in [0, 1]. */
export function psnr(mse: number): number {
  return mse > 0 ? 10 * Math.log10(1 / mse) : Infinity;
}

/** What a bits/dim figure is, in words (a table cell's title). */
export function bpdNote(b: Bpd): string {
  const what =
    b.kind === '8-bit'
      ? 'bits per pixel and channel of the 8-bit images (density on x/256, + 8 bits of discretization)'
      : b.kind === 'binary'
        ? 'bits per pixel of the binarized images: compare with other binarized runs only'
        : 'Bernoulli on grey pixels is a cross-entropy, not a likelihood: not comparable with 8-bit bits/dim';
  const spread =
    b.fixedSigma === undefined
      ? ''
      : `; a Gaussian of fixed spread ${b.fixedSigma}: the figure grows with the spread, so compare it with runs of the same spread (gaussian-learned fits its own)`;
  return b.reconstructionOnly
    ? `${what}${spread}; reconstruction only (an autoencoder has no KL term, so this bounds nothing)`
    : what + spread;
}
