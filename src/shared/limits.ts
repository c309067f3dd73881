// The choices, bounds and defaults of a training configuration, written once. The contract's zod schema
// checks them at the doors; the core checks them again for callers that never pass a door (the
// trainer's worker, tests, a config read back from a checkpoint). They used to be written in
// both places and disagreed. No zod here, so the core, the contract and the renderer can all
// import it.

export const modelKinds = ['ae', 'vae', 'cvae', 'hvae', 'dae'] as const;
export const families = ['mlp', 'conv'] as const;
export const likelihoods = ['bernoulli', 'binarized', 'gaussian', 'gaussian-learned', 'cbernoulli'] as const;
export const noiseKinds = ['gaussian', 'mask', 'salt-pepper'] as const;
export const activations = ['relu', 'tanh'] as const;
/** what training maximizes: the ELBO, or the importance-weighted bound with k samples */
export const objectives = ['elbo', 'iwae'] as const;
/** CVAE forms: 1 learned prior p(z|y), 2 prior N(0, I), 3 prediction of y from x, 4 label in the prior only (CMMA) */
export const cvaeForms = [1, 2, 3, 4] as const;

/** An allowed range of one number; `minExclusive` where the lower end itself is not allowed. */
export interface Limit {
  readonly min: number;
  readonly max: number;
  readonly int: boolean;
  readonly minExclusive?: boolean;
}

/** What the Train form, the CLI's help and the README promise. */
export const TRAIN_LIMITS = {
  latent: { min: 2, max: 256, int: true },
  latent2: { min: 2, max: 256, int: true },
  /** width of one hidden layer */
  hiddenWidth: { min: 8, max: 4096, int: true },
  /** number of hidden layers */
  hiddenLayers: { min: 1, max: 4, int: true },
  sigma: { min: 0, max: 10, int: false, minExclusive: true },
  beta: { min: 0, max: 1000, int: false },
  warmup: { min: 0, max: 1000, int: true },
  noiseLevel: { min: 0, max: 1, int: false },
  epochs: { min: 1, max: 10_000, int: true },
  batch: { min: 1, max: 4096, int: true },
  lr: { min: 0, max: 1, int: false, minExclusive: true },
  seed: { min: 0, max: 2 ** 31 - 1, int: true },
  /** training images used at most (the held-out share is about limit / 6) */
  limit: { min: 10, max: Number.MAX_SAFE_INTEGER, int: true },
  threads: { min: 1, max: 64, int: true },
  /** HVAE: latent levels of the Markov chain z_T -> ... -> z1 -> x */
  levels: { min: 2, max: 4, int: true },
  /** importance samples per image of the IWAE objective */
  k: { min: 1, max: 50, int: true },
} as const satisfies Record<string, Limit>;

/**
 * Defaults for a field left out. The schema fills in the first group; the model fills in
 * activation and sigma (and hidden, latent2 below), so a stored config shows what was chosen.
 */
export const TRAIN_DEFAULTS = {
  model: 'vae',
  family: 'mlp',
  latent: 20,
  likelihood: 'bernoulli',
  beta: 1,
  epochs: 10,
  batch: 128,
  lr: 1e-3,
  seed: 1,
  activation: 'relu',
  /** fixed sigma of the Gaussian likelihood, pixels in 0..1 */
  sigma: 0.1,
  /** importance samples of the IWAE objective when k is left out (the model fills it in) */
  k: 5,
} as const;

/** HVAE: the top latent z2 is half the bottom one, rounded up, and never below its own minimum. */
export function latent2Default(latent: number): number {
  return Math.max(TRAIN_LIMITS.latent2.min, Math.ceil(latent / 2));
}

/** Hidden layer widths when none are given: one layer, wide for the MLP, narrower after convs. */
export function hiddenDefault(family: (typeof families)[number]): number[] {
  return family === 'mlp' ? [400] : [256];
}

/** Why `value` is outside `limit` ("must be an integer 2..256, got 1"), or null when it is inside. */
export function outOfRange(value: unknown, limit: Limit): string | null {
  if (typeof value === 'number' && inside(value, limit)) return null;
  const unbounded = limit.max === Number.MAX_SAFE_INTEGER;
  const range = limit.minExclusive ? `in (${limit.min}, ${limit.max}]` : unbounded ? `>= ${limit.min}` : `${limit.min}..${limit.max}`;
  return `must be ${limit.int ? 'an integer' : 'a number'} ${range}, got ${typeof value === 'number' ? value : JSON.stringify(value)}`;
}

function inside(v: number, limit: Limit): boolean {
  const aboveMin = limit.minExclusive ? v > limit.min : v >= limit.min;
  return aboveMin && v <= limit.max && (!limit.int || Number.isInteger(v));
}

/** The most encoded test images one scatter shows (and UMAP lays out): a whole test set of MNIST's size and more. */
export const SCATTER_MAX = 70_000;
