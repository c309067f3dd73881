// The VAE family on tfjs-core with explicit variables: ae, vae (beta-VAE), cvae, hvae, dae,
// each with an MLP or conv encoder/decoder and any decoder likelihood. One object per model;
// variants differ only in what feeds the networks and which prior the loss measures against.
// The parts live beside this file: config (defaults and limits), distributions and prior,
// corruption (input noise), networks; their names are re-exported here for the callers.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../types.js';
import { latentSizes, normalizeModelConfig, type NormalizedModelConfig } from './config.js';
import { prepareBatch } from './corruption.js';
import { logNormal, reparameterize, type Gaussian } from './distributions.js';
import { ParamStore } from './layers.js';
import { boundLogvar, meanImage, negLogLik, outputsPerPixel, type DecoderOut } from './likelihood.js';
import { buildDecoder, buildEncoder, split2, type ImageShape, type NetworkSpec } from './networks.js';
import { elboLoss, iwaeLoss, tileGaussian, tileSamples, type SampleTerms } from './objective.js';
import { createPredictiveModel } from './predictive.js';
import { hierarchicalPrior, learnedPrior, standardNormalPrior, type Prior } from './prior.js';
import { deriveSeed, Rng } from './rng.js';

export { normalizeModelConfig, type NormalizedModelConfig } from './config.js';
export { binarize, corrupt } from './corruption.js';
export {
  klGaussians,
  klStdNormal,
  klStdNormalPerDim,
  logNormal,
  logStdNormal,
  normalNoise,
  reparameterize,
  type Gaussian,
} from './distributions.js';
export type { ImageShape } from './networks.js';
export type { Prior } from './prior.js';

export type { LossOptions, LossTensors, PerImage, VaeModel } from './model.js';
import type { LossOptions, PerImage, VaeModel } from './model.js';

/** The prior a stochastic model's loss is measured against; null for ae / dae (no prior). */
function priorFor(cfg: NormalizedModelConfig, ps: ParamStore, classes: number): Prior | null {
  if (cfg.model === 'ae' || cfg.model === 'dae') return null;
  if (cfg.model === 'hvae') {
    const [, z2, ...upper] = latentSizes(cfg);
    return hierarchicalPrior(ps, cfg.hidden, cfg.activation, cfg.latent, z2!, ...upper);
  }
  if (cfg.model === 'cvae' && (cfg.form === 1 || cfg.form === 4)) return learnedPrior(ps, classes, cfg.latent);
  return standardNormalPrior;
}

/**
 * Builds a model. `seed` fixes the initial weights; `numClasses` is the size of the one-hot
 * label (used by cvae only).
 */
export function createModel(cfgIn: ModelConfig, shape: ImageShape, numClasses: number, seed: number): VaeModel {
  const cfg = normalizeModelConfig(cfgIn);
  const conditional = cfg.model === 'cvae';
  if (conditional && !(numClasses >= 2)) throw new Error(`cvae needs a labelled dataset with at least 2 classes, got ${numClasses}`);
  if (conditional && cfg.form === 3) return createPredictiveModel(cfg, shape, numClasses, seed);
  const K = conditional ? numClasses : 0;
  // form 4 (CMMA): only the prior p(z|y) sees the label; encoder and decoder never do
  const netLabels = conditional && cfg.form !== 4 ? K : 0;
  const D = shape.height * shape.width * shape.channels;
  const L = cfg.latent;
  const L2 = cfg.latent2 ?? 0;
  const stochastic = cfg.model !== 'ae' && cfg.model !== 'dae';
  const mult = outputsPerPixel(cfg.likelihood);
  const ps = new ParamStore(new Rng(deriveSeed(seed, 0x1417)));
  const spec: NetworkSpec = { family: cfg.family, hidden: cfg.hidden, act: cfg.activation, shape, labels: netLabels };
  // the order of creation fixes which initial weights a seed gives: encoder, decoder, prior
  const encNet = buildEncoder(ps, spec, stochastic ? 2 * L : L); // q(z|x): [x, y] -> (mu, logvar)
  const decNet = buildDecoder(ps, spec, L, mult); // p(x|z): [z, y] -> logits (and log-variance)
  const prior = priorFor(cfg, ps, K);

  const withLabel = (t: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor2D => {
    if (netLabels === 0) return t;
    if (!y) throw new Error('cvae needs one-hot labels for every encode and decode');
    if (y.shape[1] !== K) throw new Error(`labels must be one-hot of width ${K}, got ${y.shape[1]}`);
    return tf.concat([t, y], 1) as tf.Tensor2D;
  };
  const checkInput = (x: tf.Tensor2D): void => {
    if (x.rank !== 2 || x.shape[1] !== D) throw new Error(`input must be [batch, ${D}] (H*W*C), got [${x.shape}]`);
  };

  const encodeInner = (x: tf.Tensor2D, y: tf.Tensor2D | undefined, inputGrad: boolean): Gaussian => {
    checkInput(x);
    const h = encNet(withLabel(x, y), inputGrad);
    if (!stochastic) return { mu: h, logvar: null };
    const [mu, logvar] = split2(h, L);
    return { mu, logvar };
  };

  const decodeParams = (z: tf.Tensor2D, y?: tf.Tensor2D, inputGrad = true): DecoderOut => {
    if (z.rank !== 2 || z.shape[1] !== L) throw new Error(`latent must be [batch, ${L}], got [${z.shape}]`);
    const out = decNet(withLabel(z, y), inputGrad);
    if (mult === 1) return { logits: out };
    // channels-last: [b, H, W, 2C] -> mean logits then log-variance
    const [b] = out.shape;
    const t = tf.reshape(out, [b, shape.height, shape.width, 2 * shape.channels]);
    const [m, v] = tf.split(t, 2, 3);
    return { logits: tf.reshape(m!, [b, D]) as tf.Tensor2D, logvar: boundLogvar(tf.reshape(v!, [b, D]) as tf.Tensor2D) };
  };

  const prepare = (x: tf.Tensor2D, training: boolean, rng: Rng): { input: tf.Tensor2D; target: tf.Tensor2D } => {
    checkInput(x);
    return prepareBatch(x, cfg, training, rng);
  };

  const perImage = (x: tf.Tensor2D, y: tf.Tensor2D | undefined, opts: LossOptions): PerImage => {
    const { input, target } = prepare(x, opts.training, opts.rng);
    const q1 = encodeInner(input, y, false);
    const z1 = reparameterize(q1, opts.rng);
    const recon = negLogLik(cfg.likelihood, decodeParams(z1, y), target, cfg.sigma);
    // the prior draws after the decoder, so a seeded pass keeps its order of draws
    const kl = prior ? prior.kl(q1, z1, y, opts.rng) : (tf.zeros([x.shape[0]]) as tf.Tensor1D);
    return { recon, kl };
  };

  /** one z ~ q per row: the terms of its importance weight (the IWAE objective and bound) */
  const sampleTerms = (q1: Gaussian, target: tf.Tensor2D, y: tf.Tensor2D | undefined, rng: Rng): SampleTerms => {
    if (!prior) throw new Error(`${cfg.model} has no prior, so no likelihood bound; use a vae, cvae or hvae`);
    const z1 = reparameterize(q1, rng);
    const logPx = tf.neg(negLogLik(cfg.likelihood, decodeParams(z1, y), target, cfg.sigma));
    return { logPx, logPz: prior.logPrior(z1, y, rng), logQz: logNormal(z1, q1.mu, q1.logvar!) };
  };
  const k = cfg.objective === 'iwae' ? cfg.k! : 1;

  const model: VaeModel = {
    config: cfg,
    shape: { ...shape },
    numClasses,
    inputSize: D,
    latent: L,
    latent2: L2,
    latentSizes: latentSizes(cfg),
    stochastic,
    conditional,
    decodesImages: true,
    variables: ps.vars,
    paramNames: ps.names,
    encode: (x, y) => encodeInner(x, y, true),
    decode: (z, y) => meanImage(cfg.likelihood, decodeParams(z, y)),
    decodeParams,
    prepare,
    perImage,
    lossParts(x, y, opts) {
      if (k > 1) {
        // one preparation (binarization, corruption) per image, shared by its k samples
        const { input, target } = prepare(x, opts.training, opts.rng);
        const q1 = tileGaussian(encodeInner(input, y, false), k);
        return iwaeLoss(sampleTerms(q1, tileSamples(target, k), tileSamples(y, k), opts.rng), k, opts.beta);
      }
      const p = perImage(x, y, opts);
      return elboLoss(p.recon, p.kl, opts.beta, stochastic);
    },
    logWeight(x, y, rng) {
      if (!prior) throw new Error(`${cfg.model} has no prior, so no likelihood bound; use a vae, cvae or hvae`);
      const { target } = prepare(x, false, rng);
      const t = sampleTerms(encodeInner(target, y, true), target, y, rng);
      return tf.sub(tf.add(t.logPx, t.logPz), t.logQz);
    },
    getWeights: () => ps.getWeights(),
    setWeights: (w) => ps.setWeights(w),
    dispose: () => ps.dispose(),
  };
  if (prior?.priorZ) model.priorZ = prior.priorZ;
  if (prior?.encodeTop) model.encodeTop = prior.encodeTop;
  if (prior?.priorZ1) model.priorZ1 = prior.priorZ1;
  if (prior?.encodeLevel) model.encodeLevel = prior.encodeLevel;
  if (prior?.priorLevel) model.priorLevel = prior.priorLevel;
  const klLevels = prior?.klLevels;
  if (klLevels) {
    model.levelKl = (x, opts) => {
      // perImage's draws in perImage's order: preparation, z1, then the levels above
      const { input } = prepare(x, opts.training, opts.rng);
      const q1 = encodeInner(input, undefined, false);
      return klLevels(q1, reparameterize(q1, opts.rng), undefined, opts.rng);
    };
  }
  return model;
}

/** One-hot [n, k] from integer labels (a label < 0 or >= k gives a zero row). */
export function oneHot(labels: Int32Array | number[], k: number): tf.Tensor2D {
  const out = new Float32Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l >= 0 && l < k) out[i * k + l] = 1;
  }
  return tf.tensor2d(out, [labels.length, k]);
}
