// The VAE as a mixture of Gaussians, as grids show it: the density of the encoded training
// set (the aggregate posterior) under a sweep, and samples from a Gaussian mixture fitted to
// the encoded training means beside those from N(0, I). A CVAE's codes depend on the class, so
// its mixture is fitted per class: to the codes of that class's training images, encoded with
// their label, and decoded with it. Encodings and fits are kept per loaded model (and class),
// so a slider that moves does not encode the training set again.
import { AppFailure, type Grid } from '../../../../shared/contract';
import * as explore from '../../explore';
import { aggregateDensity, fitGmm, sampleGmm, type DensityField, type Gmm } from '../../explore/gmm';
import type { LoadedModel } from '../../train';
import type { ModelGrid } from './model-grid';
import { gather, needImages } from '../selection';

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

/** the encodings and fits of a level (unconditional) or of a class (CVAE) */
const codes = new WeakMap<LoadedModel, Map<string, TrainCodes>>();
const mixtures = new WeakMap<LoadedModel, Map<string, Gmm>>();

/** Up to TRAIN_IMAGES training images (all images if there is no split), of one class if given. */
function trainImages(m: ModelGrid, label: number | undefined): number[] {
  const idx: number[] = [];
  const ofClass = (i: number) => label === undefined || m.data.labels[i] === label;
  for (let i = 0; i < m.data.n && idx.length < TRAIN_IMAGES; i++) if (m.data.split[i] === 0 && ofClass(i)) idx.push(i);
  if (idx.length === 0) for (let i = 0; i < m.data.n && idx.length < TRAIN_IMAGES; i++) if (ofClass(i)) idx.push(i);
  return idx;
}

/** The encoded training images of a level, or for a CVAE those of one class (`label`, required). */
function trainCodes(m: ModelGrid, level: number | undefined, what: string, label?: number): TrainCodes {
  needImages(m, what);
  const verb = what.split(' ')[0];
  // the density under a sweep is of all the codes at once, which a CVAE does not have
  if (m.isCvae && label === undefined)
    throw new AppFailure('bad-args', `${verb} a CVAE's codes depend on the class it is given; this needs an unconditional model`);
  let kept = codes.get(m.model);
  if (!kept) codes.set(m.model, (kept = new Map()));
  const key = m.isCvae ? `class ${label}` : `level ${level ?? 1}`;
  let c = kept.get(key);
  if (!c) {
    const idx = trainImages(m, m.isCvae ? label : undefined);
    if (idx.length === 0) throw new AppFailure('bad-input', `${verb} no training image has the label ${className(m, label!)}`);
    const { pixels, labels } = gather(m.data, idx);
    const e = explore.encodeImages(m.model, pixels, m.isCvae ? labels : undefined, level);
    c = { ...e, n: idx.length };
    kept.set(key, c);
  }
  return c;
}

const className = (m: ModelGrid, label: number): string => m.data.labelNames[label] ?? String(label);

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

/**
 * The k-component mixture fitted (EM, fixed seed) to the encoded training means of the bottom
 * level; a CVAE's to those of the training images of class `label`.
 */
export function trainMixture(m: ModelGrid, k: number, label?: number): Gmm {
  let byKey = mixtures.get(m.model);
  if (!byKey) mixtures.set(m.model, (byKey = new Map()));
  const key = `${m.isCvae ? label : '-'}:${k}`;
  let g = byKey.get(key);
  if (!g) {
    const c = trainCodes(m, 1, 'from: the mixture is fitted to the encoded training images and needs', label);
    const of = m.isCvae ? ` of class ${className(m, label!)}` : '';
    if (k > c.n) throw new AppFailure('bad-args', `components: ${k} is more than the ${c.n} encoded training images${of}`);
    g = fitGmm(c.mu, c.n, c.mu.length / c.n, { k, seed: GMM_SEED });
    byKey.set(key, g);
  }
  return g;
}

/** n images decoded from codes drawn from the fitted mixture (seeded); a CVAE's of one class, decoded with it. */
export function mixtureSamples(m: ModelGrid, n: number, seed: number, k: number, label?: number): Pick<Grid, 'tiles' | 'note'> {
  if (m.isCvae) {
    if (label === undefined) throw new AppFailure('bad-args', "from: a CVAE's mixture is fitted per class; give a label");
    if (!m.model.decodesImages)
      throw new AppFailure('bad-input', `run ${m.run.id} is a form-3 CVAE: it generates labels, not images, so it has no samples`);
    if (label >= m.model.numClasses)
      throw new AppFailure('bad-args', `label: ${label} is not a class of this run (0..${m.model.numClasses - 1})`);
  }
  const g = trainMixture(m, k, label);
  const tiles = explore.decodeLatents(m.model, sampleGmm(g, n, seed), m.isCvae ? label : undefined, 1);
  const of = m.isCvae ? ` of class ${className(m, label!)}` : '';
  const note = `codes drawn from a ${k}-component Gaussian mixture fitted to the encoded training means${of}`;
  return { tiles, note: m.note ? `${note}. ${m.note}` : note };
}
