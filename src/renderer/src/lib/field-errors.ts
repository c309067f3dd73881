// The Train form's errors in words, at the field: "Latent size must be 2 or more", not
// "runs:start: config.latent: Too small: expected number to be >=2". The bounds are the
// contract's own (shared/limits.ts), so the form refuses exactly what the service would.
import { TRAIN_LIMITS, type Limit } from '../../../shared/limits';

const L = TRAIN_LIMITS;
export const FIELDS = {
  latent: { name: 'Latent size', limit: L.latent },
  latent2: { name: 'Size of z2', limit: L.latent2 },
  latent3: { name: 'Size of z3', limit: L.latent2 },
  latent4: { name: 'Size of z4', limit: L.latent2 },
  sigma: { name: 'Sigma', limit: L.sigma },
  beta: { name: 'Beta', limit: L.beta },
  warmup: { name: 'Warm-up', limit: L.warmup },
  epochs: { name: 'Epochs', limit: L.epochs },
  batch: { name: 'Batch', limit: L.batch },
  lr: { name: 'Learning rate', limit: L.lr },
  seed: { name: 'Seed', limit: L.seed },
  limit: { name: 'Images used', limit: L.limit },
  k: { name: 'Samples (k)', limit: L.k },
  noiseLevel: { name: 'Noise level', limit: L.noiseLevel },
  levels: { name: 'Levels', limit: L.levels },
} as const satisfies Record<string, { name: string; limit: Limit }>;

/** The numbers above, and the hidden sizes (a list written as text, checked by `hiddenError`). */
export type Field = keyof typeof FIELDS | 'hidden';
export type FieldErrors = Partial<Record<Field, string>>;

/** The fields folded under "Advanced" in the Train form: an error in one opens it. */
export const ADVANCED_FIELDS: readonly Field[] = [
  'hidden',
  'warmup',
  'k',
  'levels',
  'latent2',
  'latent3',
  'latent4',
  'noiseLevel',
  'limit',
];

/** An input's min and max attributes, from the same limit (no bound where the limit has none). */
export function inputBounds(field: keyof typeof FIELDS): { min: number; max: number | undefined } {
  const limit: Limit = FIELDS[field].limit;
  return { min: limit.min, max: limit.max === Number.MAX_SAFE_INTEGER ? undefined : limit.max };
}

const fmt = (n: number): string => (Math.abs(n) >= 1e6 ? n.toExponential(0) : String(n));

/** What is wrong with one value, in a sentence that starts with the field's name; null if nothing. */
export function fieldError(field: Field, value: unknown): string | null {
  if (field === 'hidden') return hiddenError(typeof value === 'string' ? value : String(value));
  const { name } = FIELDS[field];
  const limit: Limit = FIELDS[field].limit;
  if (typeof value !== 'number' || Number.isNaN(value)) return `${name} must be a number`;
  if (limit.int && !Number.isInteger(value)) return `${name} must be a whole number`;
  if (limit.minExclusive ? value <= limit.min : value < limit.min)
    return `${name} must be ${limit.minExclusive ? `more than ${fmt(limit.min)}` : `${fmt(limit.min)} or more`}`;
  if (value > limit.max) return `${name} must be ${fmt(limit.max)} or less`;
  return null;
}

/** The hidden layers' widths as written ("512, 256"); NaN for a word that is not a number. */
export function parseHidden(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((s) => (/^[+-]?\d+(\.\d*)?$/.test(s) ? Number(s) : NaN));
}

/** What is wrong with the hidden sizes as written; null if nothing (empty: the model's default). */
export function hiddenError(text: string): string | null {
  const widths = parseHidden(text);
  if (widths.length === 0) return null;
  const w = L.hiddenWidth;
  const layers = L.hiddenLayers;
  if (widths.some((x) => Number.isNaN(x))) return 'Hidden sizes must be numbers, separated by commas';
  if (widths.some((x) => !Number.isInteger(x))) return 'Hidden sizes must be whole numbers';
  if (widths.some((x) => x < w.min)) return `Each hidden size must be ${fmt(w.min)} or more`;
  if (widths.some((x) => x > w.max)) return `Each hidden size must be ${fmt(w.max)} or less`;
  if (widths.length > layers.max) return `Hidden sizes: ${layers.max} layers at most`;
  return null;
}

/** The errors of the fields given (a field left out, or set to null/undefined, is not checked). */
export function checkFields(values: Partial<Record<Field, unknown>>): FieldErrors {
  const out: FieldErrors = {};
  for (const f of Object.keys(values) as Field[]) {
    const v = values[f];
    if (v === undefined || v === null) continue;
    const e = fieldError(f, v);
    if (e) out[f] = e;
  }
  return out;
}

/** A refusal from the door ("runs:start: config.latent: Too small: ...; config.lr: ...") as
 *  errors at the fields it names; fields it does not know stay out (the caller shows the rest). */
export function serverFieldErrors(message: string, values: Partial<Record<Field, unknown>>): FieldErrors {
  const out: FieldErrors = {};
  // the noise's level is config.noise.level; a hidden width is config.hidden.0
  for (const m of message.matchAll(/config\.([a-zA-Z0-9]+)(?:\.([a-zA-Z0-9]+))?\s*:\s*([^;]+)/g)) {
    const f = (m[1] === 'noise' && m[2] === 'level' ? 'noiseLevel' : m[1]) as Field;
    if (!(f in FIELDS) && f !== 'hidden') continue;
    const name = f === 'hidden' ? 'Hidden sizes' : FIELDS[f].name;
    out[f] = fieldError(f, values[f]) ?? `${name}: ${m[3]!.trim()}`;
  }
  return out;
}
