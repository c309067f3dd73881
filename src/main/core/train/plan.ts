// What a training is asked to do, checked before anything starts: the config against the
// shared limits, the training and held-out images, the model's architecture for a resume.
import { outOfRange, TRAIN_LIMITS } from '../../../shared/limits';
import { deriveSeed, Rng } from '../model/rng.js';
import { normalizeModelConfig } from '../model/vae.js';
import type { Dataset, TrainConfig } from '../types.js';
import { SALT } from './batch.js';

export function validateTrainConfig(cfg: TrainConfig): void {
  // the same limits as the contract's schema (src/shared/limits.ts): a config the door accepts trains
  const optional = (['limit', 'warmup'] as const).filter((f) => cfg[f] !== undefined);
  for (const field of [...(['epochs', 'batch', 'lr', 'seed'] as const), ...optional]) {
    const why = outOfRange(cfg[field], TRAIN_LIMITS[field]);
    if (why) throw new Error(`train config: ${field} ${why}`);
  }
  normalizeModelConfig(cfg);
}

/** Training and held-out image indices: the dataset's split, capped by `limit`. */
export function pickIndices(ds: Dataset, cfg: TrainConfig): { train: Int32Array; test: Int32Array; warning?: string } {
  let train: number[] = [];
  let test: number[] = [];
  for (let i = 0; i < ds.n; i++) (ds.split[i] === 1 ? test : train).push(i);
  let warning: string | undefined;
  if (test.length === 0 && train.length >= 2) {
    // no test split: hold out a seeded 10% so the held-out loss still means something
    const order = new Rng(deriveSeed(cfg.seed, SALT.subset, 1)).shuffle(Int32Array.from(train));
    const k = Math.max(1, Math.round(train.length / 10));
    test = Array.from(order.subarray(0, k)).sort((a, b) => a - b);
    const held = new Set(test);
    train = train.filter((i) => !held.has(i));
    warning = `the dataset has no test split; ${k} training images are held out for the held-out loss`;
  }
  if (cfg.limit !== undefined) {
    // a seeded subset, not the first N: folder datasets are ordered by label
    const pick = (arr: number[], n: number, salt: number) =>
      n >= arr.length
        ? arr
        : Array.from(new Rng(deriveSeed(cfg.seed, SALT.subset, salt)).shuffle(Int32Array.from(arr)).subarray(0, n)).sort((a, b) => a - b);
    train = pick(train, cfg.limit, 2);
    test = pick(test, Math.max(1, Math.ceil(cfg.limit / 6)), 3);
  }
  if (train.length === 0) throw new Error('the dataset has no training images');
  return { train: Int32Array.from(train), test: Int32Array.from(test), warning };
}

/** Architecture fields a resumed run must share with its checkpoint. */
export function architecture(cfg: TrainConfig): string {
  const n = normalizeModelConfig(cfg);
  const fields = [n.model, n.family, n.latent, n.latent2 ?? null, n.hidden, n.activation, n.likelihood, n.sigma, n.noise ?? null];
  return JSON.stringify([...fields, n.form ?? null, n.levels ?? null, n.latent3 ?? null, n.latent4 ?? null]);
}

/** The share of grey-level pixels (neither near black nor near white) over a sample of images. */
export function greyShare(ds: Dataset, idx: Int32Array): number {
  const d = ds.height * ds.width * ds.channels;
  let grey = 0;
  let seen = 0;
  const stride = Math.max(1, Math.floor(idx.length / 200));
  for (let i = 0; i < idx.length; i += stride) {
    const base = idx[i]! * d;
    for (let j = 0; j < d; j++, seen++) {
      const v = ds.pixels[base + j]!;
      if (v > 25 && v < 230) grey++;
    }
  }
  return seen ? grey / seen : 0;
}
