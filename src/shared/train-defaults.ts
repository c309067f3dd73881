// The training defaults a dataset gets, from what its pixels are, how big its images are and how
// many there are. One function for the Train form and the CLI alike, so a person who imports a
// folder and presses Train gets the model the CLI would train. Each choice carries a line that
// says what it is for, which the form shows beside the field. The figures each rule rests on
// are in bench/results.md ("Defaults from the data").
import { TRAIN_DEFAULTS, TRAIN_LIMITS, type families, type likelihoods } from './limits';
import type { DatasetInfo } from './records';
import type { TrainConfigParsed } from './schemas';

/** What the pixels are: 0/1 ink (digits), grey levels (a photo), or colour. */
export const pixelKinds = ['binary', 'grey', 'colour'] as const;
export type PixelKind = (typeof pixelKinds)[number];

/** A dataset as far as the defaults care. */
export interface DataStats {
  pixels: PixelKind;
  /** image side in pixels (the larger side of a non-square image) */
  side: number;
  /** training images */
  images: number;
}

export interface TrainDefaults {
  family: (typeof families)[number];
  hidden: number[];
  latent: number;
  likelihood: (typeof likelihoods)[number];
  /** the Gaussian decoder's fixed spread; absent for the other likelihoods */
  sigma?: number;
  batch: number;
  /** optimizer steps the run is meant to take, and the epochs that gives at this batch */
  steps: number;
  epochs: number;
  /** epochs over which the KL term is ramped in (0: none) */
  warmup: number;
  /** mirror about half the training images left to right each epoch (off by default: see defaultsFor) */
  flip: boolean;
  /** what each choice is for, one line each */
  why: Partial<Record<'family' | 'latent' | 'likelihood' | 'batch' | 'epochs' | 'warmup' | 'flip', string>>;
}

/** Below this many training images a set is "small": faces, a folder of objects. */
export const SMALL_SET = 5000;
/**
 * Optimizer steps for a small set. On the faces (360 training images, batch 32) the held-out
 * bound of the MLP stops improving between 1,500 and 2,500 steps; the checkpoint with the best
 * held-out bound is kept, so a few steps too many cost time, not quality.
 */
export const SMALL_SET_STEPS = 2400;
/** A large set trains at least this many epochs (MNIST: the reference model's 10). */
const MIN_EPOCHS = TRAIN_DEFAULTS.epochs;

/** The share of grey-level pixels (neither near 0 nor near 255) above which images are not binary. */
export const GREY_SHARE = 0.1;

/**
 * The Gaussian decoder's spread for images of this side: sqrt(side) / 16 (16 px: 0.25, 32 px:
 * 0.354, 64 px: 0.5), so the weight of the squared error against the KL, side^2 / sigma^2, grows
 * with the side and not with the pixel count. Neighbouring pixels of a photograph repeat each
 * other, so four times the pixels must not count as four times the evidence: at 64 px a fixed
 * 0.2 made the code nearly an autoencoder's, and the sweep of the faces dissolved into texture
 * between the training faces (the Explore view's first sweep: 49 of 256 cells rougher than the
 * photographs; at 0.5, 0 and 10 on two seeds). Measured on the faces at 32 and 64 px
 * (bench/results.md, "The faces' sweep, round two").
 */
export function sigmaFor(side: number): number {
  return Math.round(Math.min(SIGMA_MAX, Math.max(SIGMA_MIN, Math.sqrt(side) / 16)) * 1000) / 1000;
}
const SIGMA_MIN = 0.1;
const SIGMA_MAX = 1;

/** Epochs for a number of optimizer steps at this batch, within the config's limits. */
export function epochsForSteps(steps: number, images: number, batch: number): number {
  const perEpoch = Math.max(1, Math.ceil(images / Math.max(1, Math.min(batch, images))));
  return Math.min(TRAIN_LIMITS.epochs.max, Math.max(1, Math.round(steps / perEpoch)));
}

export function defaultsFor(stats: DataStats): TrainDefaults {
  const small = stats.images < SMALL_SET;
  if (stats.pixels === 'binary') {
    // the reference MLP VAE of the papers' MNIST figures: keep it exactly, the figures rest on it
    const batch = small ? 32 : TRAIN_DEFAULTS.batch;
    const epochs = small ? epochsForSteps(SMALL_SET_STEPS, stats.images, batch) : MIN_EPOCHS;
    return {
      family: 'mlp',
      hidden: [400],
      latent: small ? 10 : TRAIN_DEFAULTS.latent,
      likelihood: 'bernoulli',
      batch,
      steps: epochs * Math.ceil(stats.images / batch),
      epochs,
      warmup: 0,
      flip: false,
      why: {
        likelihood: 'Bernoulli: each pixel is ink or paper',
        family: 'MLP 400: the reference model the published figures rest on',
        latent: small ? 'ten dimensions: a sweep of two pins the other eight' : 'twenty dimensions: room for every digit’s style',
        flip: 'no flip: a mirrored digit is another symbol',
      },
    };
  }
  // photographs and other grey or colour images
  const batch = small ? 32 : TRAIN_DEFAULTS.batch;
  const steps = small ? SMALL_SET_STEPS : Math.max(SMALL_SET_STEPS, MIN_EPOCHS * Math.ceil(stats.images / batch));
  const epochs = epochsForSteps(steps, stats.images, batch);
  // the warm-up spans about a tenth of the run, at least a few epochs
  const warmup = Math.min(TRAIN_LIMITS.warmup.max, Math.max(5, Math.round(epochs / 10)));
  return {
    family: 'mlp',
    hidden: [400],
    latent: small ? 10 : TRAIN_DEFAULTS.latent,
    likelihood: 'gaussian',
    sigma: sigmaFor(stats.side),
    batch,
    steps,
    epochs,
    warmup,
    // measured on the faces (2,400 steps): a flip cost 24 nats of held-out bound and 0.6 dB of
    // PSNR at 32 px, and at 64 px 200 flipped epochs did worse than 80 plain ones; the held-out
    // faces are the same people in the same poses, so mirrored ones only add what to fit
    flip: false,
    why: {
      likelihood: `Gaussian, spread ${sigmaFor(stats.side)} (the square root of the side / 16): squared error, right for grey levels (Bernoulli scores ink, not a photo); a larger image gets a larger spread, so its sweeps stay faces`,
      family: small
        ? 'MLP 400: all 10 dimensions in use and better than PCA in a third of the time of a conv (which does 0.4 dB better on the faces at 64 px, with a blotchier sweep)'
        : 'MLP 400: fast on every backend; try conv for sharper detail',
      latent: small ? 'ten dimensions: a sweep of two pins the other eight' : 'twenty dimensions',
      batch: small ? 'batch 32: a small set needs many steps per epoch' : 'batch 128',
      epochs: `${epochs} epochs: about ${steps} optimizer steps; the checkpoint with the best held-out bound is kept`,
      warmup: `KL warm-up over ${warmup} epochs: the code gets used before the KL term pushes it back to the prior`,
      flip: 'no flip: on the faces mirrored images cost 24 nats of held-out bound and 0.6 dB; try it where left and right vary',
    },
  };
}

/** The pixel kind from a sample's grey share and channel spread. */
export function pixelKindOf(greyShare: number, colour: boolean): PixelKind {
  if (colour) return 'colour';
  return greyShare > GREY_SHARE ? 'grey' : 'binary';
}

/**
 * A dataset's stats for defaultsFor. One imported before its pixels were measured is judged by
 * its kind: MNIST and IDX files as binary, a folder as grey or colour photographs.
 */
export function statsOf(ds: Pick<DatasetInfo, 'pixels' | 'kind' | 'channels' | 'width' | 'height' | 'trainCount'>): DataStats {
  const pixels = ds.pixels ?? (ds.kind !== 'folder' ? 'binary' : ds.channels === 3 ? 'colour' : 'grey');
  return { pixels, side: Math.max(ds.width, ds.height), images: ds.trainCount };
}

/**
 * A collapsed run's config made safer, and what changed in words: the MLP the defaults use,
 * a Gaussian decoder for grey or colour images, a KL warm-up of at least the defaults' (and
 * 10 epochs), beta no higher than 1, and no more latent dimensions than the defaults give.
 */
export function saferConfig(cfg: TrainConfigParsed, stats: DataStats): { config: TrainConfigParsed; changes: string[] } {
  const d = defaultsFor(stats);
  const out: TrainConfigParsed = { ...cfg };
  const changes: string[] = [];
  if (cfg.family !== 'mlp') {
    out.family = 'mlp';
    out.hidden = d.hidden;
    changes.push(`MLP ${d.hidden.join(',')} instead of ${cfg.family}`);
  }
  if (stats.pixels !== 'binary' && cfg.likelihood !== 'gaussian' && cfg.likelihood !== 'gaussian-learned') {
    out.likelihood = 'gaussian';
    out.sigma = d.sigma ?? sigmaFor(stats.side);
    changes.push(`Gaussian decoder (sigma ${out.sigma}) instead of ${cfg.likelihood}`);
  }
  const warmup = Math.max(cfg.warmup ?? 0, d.warmup, 10);
  if (cfg.model !== 'ae' && cfg.model !== 'dae' && warmup !== (cfg.warmup ?? 0)) {
    out.warmup = warmup;
    changes.push(`KL warm-up over ${warmup} epochs`);
  }
  if (cfg.beta > 1) {
    out.beta = 1;
    changes.push(`beta 1 instead of ${cfg.beta}`);
  }
  if (cfg.latent > d.latent) {
    out.latent = d.latent;
    changes.push(`latent ${d.latent} instead of ${cfg.latent}`);
  }
  if (!changes.length) {
    // nothing left to make safer: a longer warm-up still helps the code get used
    out.warmup = Math.min(TRAIN_LIMITS.warmup.max, warmup * 2);
    changes.push(`KL warm-up over ${out.warmup} epochs`);
  }
  if (out.warmup !== undefined && out.epochs <= out.warmup) {
    out.epochs = Math.min(TRAIN_LIMITS.epochs.max, out.warmup * 4);
    changes.push(`${out.epochs} epochs, so training goes on past the warm-up`);
  }
  return { config: out, changes };
}
