// How much a conditional decoder listens to its label: the same codes decoded with every label,
// and the change the label makes set against the change the code makes. A CVAE on a flat object
// set drew 20 identical rows in the Classes tab; nothing said the decoder had learned to ignore
// the label. This measures it where the classes are drawn.
import { randomNormal } from './codec.js';
import { decodeRows } from './tensors.js';
import type { VaeModel } from '../model/vae.js';

/** codes decoded with every label (enough for a stable ratio, cheap beside the grid itself) */
const CODES = 8;
const SEED = 0x1abe1;
/**
 * Below this share the label barely changes the image. A small MNIST CVAE measures 80% (the
 * digit is the label); a CVAE on the faces (40 people, 32 px, 60 epochs) 17%, and its 40 rows
 * look alike but for a few; a decoder whose label weights are zero, 0. (bench/label-dependence.ts)
 */
export const LABEL_BLIND_RATIO = 0.2;

export interface LabelDependence {
  /** mean over codes and pixels of the variance across labels (a fixed code), pixels in 0..1 */
  acrossLabels: number;
  /** mean over labels and pixels of the variance across codes (a fixed label) */
  acrossCodes: number;
  /** acrossLabels / acrossCodes */
  ratio: number;
}

/**
 * The label's effect on the decoder against the code's, over CODES draws from N(0, I) decoded
 * with each of the model's labels; null where the decoder never sees the label (form 3 decodes
 * the image from z alone, form 4 gives the label to the prior only) or there are under 2 labels.
 */
export function labelDependence(m: VaeModel): LabelDependence | null {
  const form = m.config.form ?? (m.config.learnedPrior ? 1 : 2);
  const K = m.numClasses;
  if (!m.conditional || form === 3 || form === 4 || K < 2) return null;
  const L = m.latent;
  const codes = randomNormal(CODES * L, SEED);
  // row (code c, label k) = c * K + k
  const z = new Float32Array(CODES * K * L);
  const labels = new Int32Array(CODES * K);
  for (let c = 0; c < CODES; c++) {
    for (let k = 0; k < K; k++) {
      z.set(codes.subarray(c * L, (c + 1) * L), (c * K + k) * L);
      labels[c * K + k] = k;
    }
  }
  const px = decodeRows(m, z, CODES * K, labels, undefined);
  const D = px.length / (CODES * K);
  const at = (c: number, k: number, j: number) => px[(c * K + k) * D + j]! / 255;
  const variance = (n: number, value: (i: number) => number): number => {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = value(i);
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    return Math.max(0, s2 / n - mean * mean);
  };
  let acrossLabels = 0;
  let acrossCodes = 0;
  for (let j = 0; j < D; j++) {
    for (let c = 0; c < CODES; c++) acrossLabels += variance(K, (k) => at(c, k, j));
    for (let k = 0; k < K; k++) acrossCodes += variance(CODES, (c) => at(c, k, j));
  }
  acrossLabels /= D * CODES;
  acrossCodes /= D * K;
  return { acrossLabels, acrossCodes, ratio: acrossCodes > 0 ? acrossLabels / acrossCodes : acrossLabels > 0 ? Infinity : 0 };
}

/** The note under a class grid when the decoder barely listens to the label, else undefined. */
export function labelBlindNote(d: LabelDependence | null, classes: number): string | undefined {
  if (!d || d.ratio >= LABEL_BLIND_RATIO) return undefined;
  const share = d.ratio * 100;
  return (
    `The decoder barely depends on the label: the same code decoded with each of the ${classes} labels changes the image by ` +
    `${share < 1 ? share.toFixed(2) : share.toFixed(0)}% of what a change of the code does, so the rows below look alike. ` +
    'The code has taken over what the label should say: try a CVAE with a learned prior (form 1), a smaller latent, or more epochs.'
  );
}
