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
  const out: NormalizedModelConfig = { ...cfg, hidden: [...hidden], activation, sigma, ...objectiveOf(cfg), ...formOf(cfg) };
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
