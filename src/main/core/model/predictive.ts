// CVAE form 3, prediction (Sohn et al. 2015, "structured output"): the label is what is
// generated and the image the condition. q(z|x,y), a prior p(z|x), a classifier p(y|x,z); its
// "reconstruction" term is -log p(y|x,z). After training it is a classifier:
// y = argmax p(y | x, z = mean of p(z|x)), the expectation over z taken at the prior's mean.
import * as tf from '@tensorflow/tfjs-core';
import type { NormalizedModelConfig } from './config.js';
import { prepareBatch } from './corruption.js';
import { klGaussians, logNormal, reparameterize, type Gaussian } from './distributions.js';
import { ParamStore } from './layers.js';
import { buildEncoder, split2, type ImageShape, type NetworkSpec } from './networks.js';
import { elboLoss, iwaeLoss, tileGaussian, tileSamples, type SampleTerms } from './objective.js';
import { deriveSeed, Rng } from './rng.js';
import type { PerImage, VaeModel } from './model.js';

export function createPredictiveModel(cfg: NormalizedModelConfig, shape: ImageShape, numClasses: number, seed: number): VaeModel {
  const K = numClasses;
  const D = shape.height * shape.width * shape.channels;
  const L = cfg.latent;
  const ps = new ParamStore(new Rng(deriveSeed(seed, 0x1417)));
  const spec = (labels: number): NetworkSpec => ({ family: cfg.family, hidden: cfg.hidden, act: cfg.activation, shape, labels });
  // created in this order, so a seed fixes the weights: posterior, classifier, prior
  const encNet = buildEncoder(ps, spec(K), 2 * L); // q(z|x,y): [x, y] -> (mu, logvar)
  const clsNet = buildEncoder(ps, spec(L), K, 'cls'); // p(y|x,z): [x, z] -> logits
  const priorNet = buildEncoder(ps, spec(0), 2 * L, 'prior'); // p(z|x): x -> (mu, logvar)
  const k = cfg.objective === 'iwae' ? cfg.k! : 1;

  const gaussian = (h: tf.Tensor2D): Gaussian => {
    const [mu, logvar] = split2(h, L);
    return { mu, logvar };
  };
  const checkInput = (x: tf.Tensor2D): void => {
    if (x.rank !== 2 || x.shape[1] !== D) throw new Error(`input must be [batch, ${D}] (H*W*C), got [${x.shape}]`);
  };
  const label = (y: tf.Tensor2D | undefined): tf.Tensor2D => {
    if (!y) throw new Error('cvae form 3 needs the one-hot labels it learns to predict');
    if (y.shape[1] !== K) throw new Error(`labels must be one-hot of width ${K}, got ${y.shape[1]}`);
    return y;
  };
  const posterior = (x: tf.Tensor2D, y: tf.Tensor2D | undefined, inputGrad: boolean): Gaussian => {
    checkInput(x);
    return gaussian(encNet(tf.concat([x, label(y)], 1) as tf.Tensor2D, inputGrad));
  };
  const priorOf = (x: tf.Tensor2D, inputGrad: boolean): Gaussian => gaussian(priorNet(x, inputGrad));
  // the classifier needs its input gradient for z; the image's share of it is cheap
  const logits = (x: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor2D => clsNet(tf.concat([x, z], 1) as tf.Tensor2D, true);
  /** [b] log p(y|x,z) */
  const logLik = (x: tf.Tensor2D, z: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D => tf.sum(tf.mul(tf.logSoftmax(logits(x, z)), y), 1);
  const noImages = (): never => {
    throw new Error('cvae form 3 predicts labels from images; it decodes no images (use form 1, 2 or 4 to generate)');
  };
  const prepare = (x: tf.Tensor2D, training: boolean, rng: Rng) => {
    checkInput(x);
    return prepareBatch(x, cfg, training, rng);
  };
  /** x, y and the two Gaussians as k*b rows (see tileGaussian) */
  const sampleTerms = (x: tf.Tensor2D, y: tf.Tensor2D, q: Gaussian, p: Gaussian, rng: Rng): SampleTerms => {
    const z = reparameterize(q, rng);
    return { logPx: logLik(x, z, y), logPz: logNormal(z, p.mu, p.logvar!), logQz: logNormal(z, q.mu, q.logvar!) };
  };
  const perImage = (x: tf.Tensor2D, y: tf.Tensor2D | undefined, opts: { training: boolean; rng: Rng }): PerImage => {
    const { input } = prepare(x, opts.training, opts.rng);
    const q = posterior(input, y, false);
    const z = reparameterize(q, opts.rng);
    const p = priorOf(input, false);
    return { recon: tf.neg(logLik(input, z, label(y))), kl: tf.sum(klGaussians(q.mu, q.logvar!, p.mu, p.logvar!), 1) as tf.Tensor1D };
  };

  return {
    config: cfg,
    shape: { ...shape },
    numClasses,
    inputSize: D,
    latent: L,
    latent2: 0,
    latentSizes: [L],
    stochastic: true,
    conditional: true,
    decodesImages: false,
    variables: ps.vars,
    paramNames: ps.names,
    encode: (x, y) => posterior(x, y, true),
    decode: noImages,
    decodeParams: noImages,
    prepare,
    perImage,
    lossParts(x, y, opts) {
      if (k > 1) {
        const { input } = prepare(x, opts.training, opts.rng);
        const [q, p] = [tileGaussian(posterior(input, y, false), k), tileGaussian(priorOf(input, false), k)];
        return iwaeLoss(sampleTerms(tileSamples(input, k), tileSamples(label(y), k), q, p, opts.rng), k, opts.beta);
      }
      const p = perImage(x, y, opts);
      return elboLoss(p.recon, p.kl, opts.beta, true);
    },
    logWeight(x, y, rng) {
      const { input } = prepare(x, false, rng);
      const t = sampleTerms(input, label(y), posterior(input, y, true), priorOf(input, true), rng);
      return tf.sub(tf.add(t.logPx, t.logPz), t.logQz);
    },
    predict(x) {
      checkInput(x);
      return tf.softmax(logits(x, priorOf(x, true).mu));
    },
    getWeights: () => ps.getWeights(),
    setWeights: (w) => ps.setWeights(w),
    dispose: () => ps.dispose(),
  };
}
