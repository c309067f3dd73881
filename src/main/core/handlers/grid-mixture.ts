// The VAE as a mixture of Gaussians, as grids show it: the density of the encoded training
// set (the aggregate posterior) under a sweep, and samples from a Gaussian mixture fitted to
// the encoded training means beside those from N(0, I). Encodings and fits are kept per loaded
// model, so a slider that moves does not encode the training set again.
import { AppFailure, type Grid } from '../../../shared/contract';
import * as explore from '../explore';
import { aggregateDensity, fitGmm, sampleGmm, type DensityField, type Gmm } from '../explore/gmm';
import type { LoadedModel } from '../train';
import type { ModelGrid } from './grids';
import { gather, needImages } from './selection';

/** Training images the aggregate posterior and the mixture are measured on. */
export const TRAIN_IMAGES = 2000;
/** components of the fitted mixture when the spec gives none */
export const DEFAULT_COMPONENTS = 10;
/** EM's seed: the same run and k, the same mixture */
const GMM_SEED = 0x6a11;

interface TrainCodes {
  mu: Float32Array;
  logvar: Float32Array;
  n: number;
}

const codes = new WeakMap<LoadedModel, Map<number, TrainCodes>>();
const mixtures = new WeakMap<LoadedModel, Map<number, Gmm>>();

function trainCodes(m: ModelGrid, level: number | undefined, what: string): TrainCodes {
  needImages(m, what);
  if (m.isCvae)
    throw new AppFailure(
      'bad-args',
      `${what.split(' ')[0]}: a CVAE's codes depend on the class it is given; this needs an unconditional model`,
    );
  let byLevel = codes.get(m.model);
  if (!byLevel) codes.set(m.model, (byLevel = new Map()));
  let c = byLevel.get(level ?? 1);
  if (!c) {
    const idx: number[] = [];
    for (let i = 0; i < m.data.n && idx.length < TRAIN_IMAGES; i++) if (m.data.split[i] === 0) idx.push(i);
    if (idx.length === 0) for (let i = 0; i < m.data.n && idx.length < TRAIN_IMAGES; i++) idx.push(i);
    const e = explore.encodeImages(m.model, gather(m.data, idx).pixels, undefined, level);
    c = { ...e, n: idx.length };
    byLevel.set(level ?? 1, c);
  }
  return c;
}

/** The aggregate posterior over a sweep's window (dims at a level), and the prior's density there. */
export function densityField(
  m: ModelGrid,
  level: number | undefined,
  dims: [number, number],
  xValues: number[],
  yValues: number[],
): DensityField {
  const c = trainCodes(m, level, 'density: the aggregate posterior comes from the encoded training images and needs');
  const L = c.mu.length / c.n;
  const sd = m.model.stochastic ? c.logvar.map((v) => Math.exp(0.5 * v)) : null;
  return aggregateDensity(c.mu, sd, c.n, L, dims, xValues, yValues);
}

/** The k-component mixture fitted (EM, fixed seed) to the encoded training means of the bottom level. */
export function trainMixture(m: ModelGrid, k: number): Gmm {
  let byK = mixtures.get(m.model);
  if (!byK) mixtures.set(m.model, (byK = new Map()));
  let g = byK.get(k);
  if (!g) {
    const c = trainCodes(m, 1, 'from: the mixture is fitted to the encoded training images and needs');
    if (k > c.n) throw new AppFailure('bad-args', `components: ${k} is more than the ${c.n} encoded training images`);
    g = fitGmm(c.mu, c.n, c.mu.length / c.n, { k, seed: GMM_SEED });
    byK.set(k, g);
  }
  return g;
}

/** n images decoded from codes drawn from the fitted mixture (seeded). */
export function mixtureSamples(m: ModelGrid, n: number, seed: number, k: number): Pick<Grid, 'tiles' | 'note'> {
  const g = trainMixture(m, k);
  const tiles = explore.decodeLatents(m.model, sampleGmm(g, n, seed), undefined, 1);
  const note = `codes drawn from a ${k}-component Gaussian mixture fitted to the encoded training means`;
  return { tiles, note: m.note ? `${note}. ${m.note}` : note };
}
