// What each choice means in plain words, and defaults that fit a dataset. The words follow
// the notes the app comes from; keep them one line each.
import type { DatasetInfo, TrainConfigInput } from '../../../shared/contract';
import { latent2Default } from '../../../shared/limits';
import type { Recipe } from '../../../shared/recipes';
import { defaultsFor as dataDefaults, sigmaFor, statsOf, type DataStats } from '../../../shared/train-defaults';
import { fieldError, hiddenError, parseHidden } from './field-errors';

export const MODEL_KINDS = [
  {
    id: 'ae',
    label: 'AE',
    text: 'An autoencoder squeezes each image into a short code and rebuilds it; the space between codes can be empty.',
  },
  { id: 'vae', label: 'VAE', text: 'A VAE adds noise to the code so that the space between two images means something.' },
  { id: 'cvae', label: 'CVAE', text: 'A conditional VAE is told the label, so the code keeps only the style and you choose the class.' },
  { id: 'hvae', label: 'HVAE', text: 'A hierarchical VAE has two levels of code: a coarse one on top that steers a finer one below.' },
  { id: 'dae', label: 'Denoising', text: 'A denoising autoencoder sees damaged images and learns to rebuild the clean ones.' },
] as const;

export const LIKELIHOODS = [
  { id: 'bernoulli', label: 'Bernoulli', text: 'each pixel as a probability of ink — right for digits' },
  { id: 'binarized', label: 'Bernoulli, binarized', text: 'inputs re-binarized at every pass, as in the papers’ MNIST numbers' },
  { id: 'gaussian', label: 'Gaussian', text: 'squared error with a fixed spread — for photos and faces' },
  { id: 'gaussian-learned', label: 'Gaussian, learned variance', text: 'the decoder also says how sure it is of each pixel' },
  { id: 'cbernoulli', label: 'Continuous Bernoulli', text: 'a proper likelihood for grey levels' },
] as const;

export const FAMILIES = [
  { id: 'mlp', label: 'MLP' },
  { id: 'conv', label: 'Conv' },
] as const;

/** The notes' CVAE-1..4: what the label conditions, one line each. */
export const CVAE_FORMS = [
  { id: 1, label: '1 · learned prior', text: 'q(z|x,y), p(z|y), p(x|z,y): each class gets its own region of the code space' },
  { id: 2, label: '2 · standard', text: 'q(z|x,y), N(0, I), p(x|z,y): the code keeps the style, the label says the class' },
  { id: 3, label: '3 · prediction', text: 'q(z|x,y), p(z|x), p(y|x,z): the image is given and the label generated, a classifier' },
  { id: 4, label: '4 · CMMA', text: 'q(z|x), p(z|y), p(x|z): the label only places the code; the decoder never sees it' },
] as const;

export const OBJECTIVES = [
  { id: 'elbo', label: 'ELBO', text: 'one sample of the code per image: the usual VAE bound' },
  { id: 'iwae', label: 'IWAE', text: 'k samples weighted by how well each explains the image: a tighter bound, k times the work' },
] as const;

export const NOISE_KINDS = [
  { id: 'gaussian', label: 'Gaussian noise' },
  { id: 'mask', label: 'Masking' },
  { id: 'salt-pepper', label: 'Salt and pepper' },
] as const;

export type FormConfig = Required<
  Pick<TrainConfigInput, 'model' | 'family' | 'latent' | 'likelihood' | 'beta' | 'epochs' | 'batch' | 'lr' | 'seed'>
> & {
  hidden: string;
  warmup: number;
  /** mirror about half the training images each epoch (photographs) */
  flip: boolean;
  noiseKind: 'gaussian' | 'mask' | 'salt-pepper';
  noiseLevel: number;
  limit: number | null;
  latent2: number;
  /** HVAE: levels of latents (2..4) and the sizes of z3, z4 */
  levels: number;
  latent3: number;
  latent4: number;
  /** the fixed spread of the Gaussian likelihood (pixels in 0..1) */
  sigma: number;
  /** CVAE: learn p(z | y) per class (form 1; the form below says it too) */
  learnedPrior: boolean;
  /** CVAE: the conditional form 1..4 */
  form: 1 | 2 | 3 | 4;
  objective: 'elbo' | 'iwae';
  /** IWAE: importance samples per image */
  k: number;
};

/** A dataset's stats for the defaults; with no dataset yet, MNIST's (the reference model). */
export function statsOrNone(ds: DatasetInfo | undefined): DataStats {
  return ds ? statsOf(ds) : { pixels: 'binary', side: 28, images: 60000 };
}

/**
 * The form's values for a dataset: what its pixels, image side and size call for
 * (shared/train-defaults.ts, the same choices the CLI makes), and the model-specific fields
 * the form keeps for when another model is picked.
 */
export function defaultsFor(ds: DatasetInfo | undefined): FormConfig {
  const d = dataDefaults(statsOrNone(ds));
  return {
    model: 'vae',
    family: d.family,
    latent: d.latent,
    latent2: 8,
    levels: 2,
    latent3: 4,
    latent4: 2,
    likelihood: d.likelihood,
    beta: 1,
    epochs: d.epochs,
    batch: d.batch,
    lr: 1e-3,
    seed: 1,
    hidden: d.hidden.join(','),
    warmup: d.warmup,
    flip: d.flip,
    noiseKind: 'gaussian',
    noiseLevel: 0.3,
    limit: null,
    // the spread a Gaussian decoder would get on these images, should one be picked
    sigma: d.sigma ?? sigmaFor(statsOrNone(ds).side),
    learnedPrior: false,
    form: 2,
    objective: 'elbo',
    k: 5,
  };
}

/**
 * The form filled from a recipe: its choices, and the form's own values for what it leaves out.
 * A Gaussian recipe with no spread takes the one the dataset's image side calls for (sigmaFor),
 * not the form's, which may be another likelihood's.
 */
export function withRecipe(f: FormConfig, r: Recipe, side: number): FormConfig {
  const c = r.config;
  return {
    ...f,
    model: c.model ?? f.model,
    family: c.family ?? f.family,
    hidden: c.hidden ? c.hidden.join(',') : f.hidden,
    latent: c.latent ?? f.latent,
    likelihood: c.likelihood ?? f.likelihood,
    sigma: c.sigma ?? (c.likelihood === 'gaussian' ? sigmaFor(side) : f.sigma),
    beta: c.beta ?? f.beta,
    warmup: c.warmup ?? 0,
    flip: c.flip ?? false,
    epochs: c.epochs ?? f.epochs,
    batch: c.batch ?? f.batch,
    lr: c.lr ?? f.lr,
    seed: c.seed ?? f.seed,
    objective: 'elbo',
    limit: null,
  };
}

/** What each of a dataset's defaults is for, one line each (shown in the form). */
export function defaultsWhy(ds: DatasetInfo | undefined): string[] {
  if (!ds) return [];
  const why = dataDefaults(statsOf(ds)).why;
  return (['likelihood', 'family', 'latent', 'batch', 'epochs', 'warmup', 'flip'] as const).flatMap((k) => (why[k] ? [why[k]] : []));
}

/**
 * The KL warm-up to suggest when the model or network changes, where collapse is likely: the top
 * level of an HVAE stays unused without one (109.9 vs 126.9 nats after 9 epochs on MNIST), and a
 * conv VAE on photos (faces) collapsed its KL to 0.76 nats by epoch 6 with none. A warm-up the
 * user set stays.
 */
export function suggestedWarmup(f: Pick<FormConfig, 'model' | 'family' | 'warmup'>, ds: DatasetInfo | undefined): number {
  if (f.warmup > 0) return f.warmup;
  if (f.model === 'hvae') return 5;
  const photos = !!ds && ds.kind === 'folder' && (ds.channels === 3 || ds.width > 32);
  if (f.family === 'conv' && photos && f.model !== 'ae' && f.model !== 'dae') return 10;
  return 0;
}

/** The form's loose fields into the contract's config; errors name the field. */
export function toTrainConfig(f: FormConfig): TrainConfigInput {
  // the form shows these at their fields and sends nothing while one stands; a caller that
  // skips the form still gets the same words
  const bad = hiddenError(f.hidden);
  if (bad) throw new Error(bad);
  const hidden = parseHidden(f.hidden);
  const cfg: TrainConfigInput = {
    model: f.model,
    family: f.family,
    latent: f.latent,
    likelihood: f.likelihood,
    beta: f.beta,
    epochs: f.epochs,
    batch: f.batch,
    lr: f.lr,
    seed: f.seed,
  };
  if (hidden.length) cfg.hidden = hidden;
  // a warm-up ramps the KL term in: an AE or DAE has none (and the form hides the field for them)
  if (f.warmup > 0 && f.model !== 'ae' && f.model !== 'dae') cfg.warmup = f.warmup;
  if (f.model === 'hvae') cfg.latent2 = f.latent2;
  if (f.model === 'hvae' && f.levels > 2) {
    cfg.levels = f.levels;
    cfg.latent3 = f.latent3;
    if (f.levels > 3) cfg.latent4 = f.latent4;
  }
  if (f.model === 'cvae' && (f.learnedPrior || f.form === 1)) cfg.learnedPrior = true;
  else if (f.model === 'cvae' && f.form !== 2) cfg.form = f.form;
  if (f.likelihood === 'gaussian') {
    const e = fieldError('sigma', f.sigma);
    if (e) throw new Error(`${e} (pixels run from 0 to 1; 0.1 to 0.3 is usual)`);
    cfg.sigma = f.sigma;
  }
  if (f.objective === 'iwae' && f.model !== 'ae' && f.model !== 'dae') {
    const e = fieldError('k', f.k);
    if (e) throw new Error(e);
    cfg.objective = 'iwae';
    cfg.k = f.k;
  }
  if (f.model === 'dae') cfg.noise = { kind: f.noiseKind, level: f.noiseLevel };
  if (f.flip) cfg.flip = true;
  if (f.limit) cfg.limit = f.limit;
  return cfg;
}

/**
 * A run's config back into the form's fields (toTrainConfig's inverse), so the form can show
 * the settings of a run it did not start (a training that was going on before a reload).
 */
export function fromTrainConfig(c: TrainConfigInput, ds: DatasetInfo | undefined): FormConfig {
  const d = defaultsFor(ds);
  return {
    ...d,
    model: c.model ?? d.model,
    family: c.family ?? d.family,
    latent: c.latent ?? d.latent,
    likelihood: c.likelihood ?? d.likelihood,
    beta: c.beta ?? d.beta,
    epochs: c.epochs ?? d.epochs,
    batch: c.batch ?? d.batch,
    lr: c.lr ?? d.lr,
    seed: c.seed ?? d.seed,
    // none given: the model's own default, which the empty field stands for
    hidden: c.hidden ? c.hidden.join(', ') : '',
    warmup: c.warmup ?? 0,
    noiseKind: c.noise?.kind ?? d.noiseKind,
    noiseLevel: c.noise?.level ?? d.noiseLevel,
    limit: c.limit ?? null,
    latent2: c.latent2 ?? d.latent2,
    levels: c.levels ?? 2,
    latent3: c.latent3 ?? d.latent3,
    latent4: c.latent4 ?? d.latent4,
    sigma: c.sigma ?? d.sigma,
    learnedPrior: c.learnedPrior ?? false,
    form: c.learnedPrior ? 1 : (c.form ?? 2),
    objective: c.objective ?? 'elbo',
    k: c.k ?? d.k,
  };
}

export function modelLabel(kind: string): string {
  return MODEL_KINDS.find((m) => m.id === kind)?.label ?? kind;
}

/** HVAE: every level's size, bottom first (the sizes not given halve, as the trainer fills them in); undefined for one level */
export function levelSizes(c: {
  model: string;
  latent: number;
  latent2?: number;
  latent3?: number;
  latent4?: number;
  levels?: number;
}): number[] | undefined {
  if (c.model !== 'hvae') return undefined;
  const given = [c.latent, c.latent2, c.latent3, c.latent4];
  const sizes = [c.latent];
  for (let t = 1; t < (c.levels ?? 2); t++) sizes.push(given[t] ?? latent2Default(sizes[t - 1]!));
  return sizes;
}
