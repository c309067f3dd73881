// A model config checked against the shared limits and completed with the defaults, so that a
// checkpoint stores every choice and the trainer, the CLI and the app all build the same model.
import {
  activations,
  families,
  hiddenDefault,
  latent2Default,
  likelihoods,
  modelKinds,
  noiseKinds,
  objectives,
  cvaeForms,
  outOfRange,
  TRAIN_DEFAULTS,
  TRAIN_LIMITS,
  type Limit,
} from '../../../shared/limits';
import type { ModelConfig } from '../types.js';

/** ModelConfig with every default filled in (what checkpoints store). */
export interface NormalizedModelConfig extends ModelConfig {
  hidden: number[];
  activation: 'relu' | 'tanh';
  sigma: number;
}

const err = (field: string, msg: string) => new Error(`model config: ${field} ${msg}`);

function check(field: string, value: unknown, limit: Limit): void {
  const why = outOfRange(value, limit);
  if (why) throw err(field, why);
}

function oneOf<T extends string>(field: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) throw err(field, `must be ${allowed.join('|')}, got ${value}`);
}

export function normalizeModelConfig(cfg: ModelConfig): NormalizedModelConfig {
  oneOf('model', cfg.model, modelKinds);
  oneOf('family', cfg.family, families);
  check('latent', cfg.latent, TRAIN_LIMITS.latent);
  oneOf('likelihood', cfg.likelihood, likelihoods);
  const hidden = cfg.hidden ?? hiddenDefault(cfg.family);
  const { hiddenWidth: width, hiddenLayers: layers } = TRAIN_LIMITS;
  if (!Array.isArray(hidden) || outOfRange(hidden.length, layers) || hidden.some((h) => outOfRange(h, width))) {
    const shape = `${layers.min}..${layers.max} integers ${width.min}..${width.max}`;
    throw err('hidden', `must be a list of ${shape}, got ${JSON.stringify(cfg.hidden)}`);
  }
  const latent2 = cfg.model === 'hvae' ? (cfg.latent2 ?? latent2Default(cfg.latent)) : undefined;
  if (latent2 !== undefined) check('latent2', latent2, TRAIN_LIMITS.latent2);
  const upper = upperLevels(cfg, latent2);
  const sigma = cfg.sigma ?? TRAIN_DEFAULTS.sigma;
  check('sigma', sigma, TRAIN_LIMITS.sigma);
  check('beta', cfg.beta, TRAIN_LIMITS.beta);
  if (cfg.noise) {
    oneOf('noise.kind', cfg.noise.kind, noiseKinds);
    check('noise.level', cfg.noise.level, TRAIN_LIMITS.noiseLevel);
  }
  const activation = cfg.activation ?? TRAIN_DEFAULTS.activation;
  oneOf('activation', activation, activations);
  if (cfg.learnedPrior && cfg.model !== 'cvae') throw err('learnedPrior', 'needs a cvae (the prior is p(z | label))');
  const out: NormalizedModelConfig = { ...cfg, hidden: [...hidden], activation, sigma, ...objectiveOf(cfg), ...formOf(cfg), ...upper };
  if (latent2 !== undefined) out.latent2 = latent2;
  else delete out.latent2;
  return out;
}

/** The objective and its k: k is filled in for iwae, refused for the ELBO and for models with no prior. */
function objectiveOf(cfg: ModelConfig): Pick<ModelConfig, 'objective' | 'k'> {
  if (cfg.objective === undefined && cfg.k === undefined) return {};
  const objective = cfg.objective ?? 'elbo';
  oneOf('objective', objective, objectives);
  if (objective === 'elbo') {
    if (cfg.k !== undefined) throw err('k', `is the IWAE objective's sample count; set objective to iwae, or leave k out (got ${cfg.k})`);
    return { objective };
  }
  if (cfg.model === 'ae' || cfg.model === 'dae') throw err('objective', `iwae needs a prior to weight samples by; a ${cfg.model} has none`);
  const k = cfg.k ?? TRAIN_DEFAULTS.k;
  check('k', k, TRAIN_LIMITS.k);
  return { objective, k };
}

/**
 * The CVAE's form (the notes' CVAE-1..4): 1 learns p(z|y) (what learnedPrior asks for), 2 is
 * the default, 3 predicts the label, 4 puts the label in the prior only. learnedPrior and form
 * 1 are one choice, so a form-1 config carries both.
 */
function formOf(cfg: ModelConfig): Pick<ModelConfig, 'form' | 'learnedPrior'> {
  if (cfg.model !== 'cvae') {
    if (cfg.form !== undefined) throw err('form', `chooses among the conditional forms 1..4 and needs a cvae, got model ${cfg.model}`);
    return {};
  }
  const form = cfg.form ?? (cfg.learnedPrior ? 1 : 2);
  if (!cvaeForms.includes(form)) throw err('form', `must be ${cvaeForms.join('|')}, got ${JSON.stringify(cfg.form)}`);
  if (cfg.learnedPrior && form !== 1) throw err('learnedPrior', `is form 1 (a learned p(z | y)); it cannot go with form ${form}`);
  return form === 1 ? { form, learnedPrior: true } : { form };
}

/**
 * HVAE levels above z2: the count (2..4, or as many as the sizes given) and each size, half the
 * level below by default. Two levels add nothing, so a two-level config is today's.
 */
function upperLevels(cfg: ModelConfig, latent2: number | undefined): Pick<ModelConfig, 'levels' | 'latent3' | 'latent4'> {
  const given = (['levels', 'latent3', 'latent4'] as const).filter((f) => cfg[f] !== undefined);
  if (latent2 === undefined) {
    if (given.length) throw err(given[0]!, `sets the levels of a hierarchical VAE and needs model hvae, got ${cfg.model}`);
    return {};
  }
  const levels = cfg.levels ?? (cfg.latent4 !== undefined ? 4 : cfg.latent3 !== undefined ? 3 : 2);
  check('levels', levels, TRAIN_LIMITS.levels);
  if (cfg.latent4 !== undefined && levels < 4) throw err('latent4', `is the size of z4 and needs levels 4, got levels ${levels}`);
  if (cfg.latent3 !== undefined && levels < 3) throw err('latent3', `is the size of z3 and needs levels 3 or 4, got levels ${levels}`);
  if (levels === 2) return {};
  const latent3 = cfg.latent3 ?? latent2Default(latent2);
  check('latent3', latent3, TRAIN_LIMITS.latent2);
  if (levels === 3) return { levels, latent3 };
  const latent4 = cfg.latent4 ?? latent2Default(latent3);
  check('latent4', latent4, TRAIN_LIMITS.latent2);
  return { levels, latent3, latent4 };
}

/** The latent sizes bottom up: [latent] for one level, [z1, z2, ...] for an hvae. */
export function latentSizes(cfg: NormalizedModelConfig): number[] {
  if (cfg.latent2 === undefined) return [cfg.latent];
  return [cfg.latent, cfg.latent2, cfg.latent3, cfg.latent4].slice(0, cfg.levels ?? 2) as number[];
}
