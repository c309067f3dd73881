// The Train form's errors in words, at the field: "Latent size must be 2 or more", not
// "runs:start: config.latent: Too small: expected number to be >=2". The bounds are the
// contract's own (shared/limits.ts), so the form refuses exactly what the service would.
import { TRAIN_LIMITS, type Limit } from '../../../shared/limits';

const L = TRAIN_LIMITS;
export const FIELDS = {
  latent: { name: 'Latent size', limit: L.latent },
  latent2: { name: 'Top latent size', limit: L.latent2 },
  sigma: { name: 'Sigma', limit: L.sigma },
  beta: { name: 'Beta', limit: L.beta },
  warmup: { name: 'Warm-up', limit: L.warmup },
  epochs: { name: 'Epochs', limit: L.epochs },
  batch: { name: 'Batch', limit: L.batch },
  lr: { name: 'Learning rate', limit: L.lr },
  seed: { name: 'Seed', limit: L.seed },
  limit: { name: 'Images used', limit: L.limit },
  k: { name: 'Samples (k)', limit: L.k },
} as const satisfies Record<string, { name: string; limit: Limit }>;

export type Field = keyof typeof FIELDS;
export type FieldErrors = Partial<Record<Field, string>>;

const fmt = (n: number): string => (Math.abs(n) >= 1e6 ? n.toExponential(0) : String(n));

/** What is wrong with one value, in a sentence that starts with the field's name; null if nothing. */
export function fieldError(field: Field, value: unknown): string | null {
  const { name } = FIELDS[field];
  const limit: Limit = FIELDS[field].limit;
  if (typeof value !== 'number' || Number.isNaN(value)) return `${name} must be a number`;
  if (limit.int && !Number.isInteger(value)) return `${name} must be a whole number`;
  if (limit.minExclusive ? value <= limit.min : value < limit.min)
    return `${name} must be ${limit.minExclusive ? `more than ${fmt(limit.min)}` : `${fmt(limit.min)} or more`}`;
  if (value > limit.max) return `${name} must be ${fmt(limit.max)} or less`;
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
  for (const m of message.matchAll(/config\.([a-zA-Z0-9]+)\s*:\s*([^;]+)/g)) {
    const f = m[1] as Field;
    if (!(f in FIELDS)) continue;
    out[f] = fieldError(f, values[f]) ?? `${FIELDS[f].name}: ${m[2]!.trim()}`;
  }
  return out;
}
