// The VAE family on tfjs-core with explicit variables: ae, vae (beta-VAE), cvae, hvae, dae,
// each with an MLP or conv encoder/decoder and any decoder likelihood. One object per model;
// variants differ only in what feeds the networks and which KL terms the loss adds.
import * as tf from '@tensorflow/tfjs-core';
import type { Likelihood, ModelConfig, NoiseKind } from '../types.js';
import { conv2d, dense, depthToSpace, ParamStore, type Activation, type NamedWeight } from './layers.js';
import { boundLogvar, DEFAULT_SIGMA, meanImage, negLogLik, outputsPerPixel, type DecoderOut } from './likelihood.js';
import { deriveSeed, Rng } from './rng.js';

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

export interface Gaussian {
  /** [b, d] */
  mu: tf.Tensor2D;
  /** [b, d]; null for a deterministic encoder (ae, dae) */
  logvar: tf.Tensor2D | null;
}

export interface LossOptions {
  /** weight of the KL term (warm-up passes a ramped value); ignored by ae/dae */
  beta: number;
  /** training pass: dynamic binarization and input corruption apply */
  training: boolean;
  /** source of all noise in this pass (reparameterization, binarization, corruption) */
  rng: Rng;
}

export interface LossTensors {
  /** scalars, per image in nats (means over the batch) */
  loss: tf.Scalar;
  recon: tf.Scalar;
  kl: tf.Scalar;
}

export interface PerImage {
  /** [b] -log p(x|z), single sample */
  recon: tf.Tensor1D;
  /** [b] KL (analytic where it can be, all levels for hvae) */
  kl: tf.Tensor1D;
}

export interface VaeModel {
  readonly config: Readonly<NormalizedModelConfig>;
  readonly shape: Readonly<ImageShape>;
  readonly numClasses: number;
  /** pixels per image, H * W * C */
  readonly inputSize: number;
  /** size of z (z1 for hvae) */
  readonly latent: number;
  /** size of z2 for hvae, else 0 */
  readonly latent2: number;
  /** false for ae / dae: the encoder gives a point, there is no prior */
  readonly stochastic: boolean;
  /** true for cvae: every call needs one-hot labels */
  readonly conditional: boolean;
  /** trainable variables in save order */
  readonly variables: tf.Variable[];
  /** our names of the variables (same order), as getWeights() names them */
  readonly paramNames: string[];

  /** q(z|x) (q(z1|x) for hvae); x [b, D] in 0..1, y [b, K] one-hot for cvae */
  encode(x: tf.Tensor2D, y?: tf.Tensor2D): Gaussian;
  /** mean image [b, D] in 0..1 of p(x|z) */
  decode(z: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor2D;
  /** raw decoder outputs (logits, log-variance) for the likelihood */
  decodeParams(z: tf.Tensor2D, y?: tf.Tensor2D, inputGrad?: boolean): DecoderOut;
  /** hvae: q(z2|z1) */
  encodeTop?(z1: tf.Tensor2D): Gaussian;
  /** hvae: p(z1|z2) */
  priorZ1?(z2: tf.Tensor2D): Gaussian;
  /** cvae with a learned prior: p(z|y) for one-hot y [b, K] */
  priorZ?(y: tf.Tensor2D): Gaussian;
  /** the batch as the model sees it: binarized and/or corrupted input, and the target */
  prepare(x: tf.Tensor2D, training: boolean, rng: Rng): { input: tf.Tensor2D; target: tf.Tensor2D };
  /** per-image reconstruction and KL terms */
  perImage(x: tf.Tensor2D, y: tf.Tensor2D | undefined, opts: LossOptions): PerImage;
  /** the training objective and its parts, per image in nats */
  lossParts(x: tf.Tensor2D, y: tf.Tensor2D | undefined, opts: LossOptions): LossTensors;
  /** [b] log p(x, z) - log q(z|x) for one z ~ q (an importance weight for IWAE) */
  logWeight(x: tf.Tensor2D, y: tf.Tensor2D | undefined, rng: Rng): tf.Tensor1D;
  getWeights(): NamedWeight[];
  setWeights(weights: NamedWeight[]): void;
  dispose(): void;
}

/** ModelConfig with every default filled in (what checkpoints store). */
export interface NormalizedModelConfig extends ModelConfig {
  hidden: number[];
  activation: 'relu' | 'tanh';
  sigma: number;
}

export function normalizeModelConfig(cfg: ModelConfig): NormalizedModelConfig {
  const err = (field: string, msg: string) => new Error(`model config: ${field} ${msg}`);
  if (!['ae', 'vae', 'cvae', 'hvae', 'dae'].includes(cfg.model)) throw err('model', `must be ae|vae|cvae|hvae|dae, got ${cfg.model}`);
  if (!['mlp', 'conv'].includes(cfg.family)) throw err('family', `must be mlp|conv, got ${cfg.family}`);
  if (!Number.isInteger(cfg.latent) || cfg.latent < 1 || cfg.latent > 512)
    throw err('latent', `must be an integer 1..512, got ${cfg.latent}`);
  const liks: Likelihood[] = ['bernoulli', 'binarized', 'gaussian', 'gaussian-learned', 'cbernoulli'];
  if (!liks.includes(cfg.likelihood)) throw err('likelihood', `must be one of ${liks.join('|')}, got ${cfg.likelihood}`);
  const hidden = cfg.hidden ?? (cfg.family === 'mlp' ? [400] : [256]);
  if (!Array.isArray(hidden) || hidden.some((h) => !Number.isInteger(h) || h < 1 || h > 8192)) {
    throw err('hidden', `must be a list of integers 1..8192, got ${JSON.stringify(cfg.hidden)}`);
  }
  if (cfg.family === 'mlp' && hidden.length === 0) throw err('hidden', 'needs at least one layer for the mlp family');
  const latent2 = cfg.model === 'hvae' ? (cfg.latent2 ?? Math.max(1, Math.ceil(cfg.latent / 2))) : undefined;
  if (latent2 !== undefined && (!Number.isInteger(latent2) || latent2 < 1 || latent2 > 512))
    throw err('latent2', `must be an integer 1..512, got ${cfg.latent2}`);
  const sigma = cfg.sigma ?? DEFAULT_SIGMA;
  if (!(sigma > 0)) throw err('sigma', `must be > 0, got ${cfg.sigma}`);
  if (!(cfg.beta >= 0) || !Number.isFinite(cfg.beta)) throw err('beta', `must be a number >= 0, got ${cfg.beta}`);
  if (cfg.noise) {
    const kinds: NoiseKind[] = ['gaussian', 'mask', 'salt-pepper'];
    if (!kinds.includes(cfg.noise.kind)) throw err('noise.kind', `must be ${kinds.join('|')}, got ${cfg.noise.kind}`);
    if (!(cfg.noise.level >= 0 && cfg.noise.level <= (cfg.noise.kind === 'gaussian' ? 10 : 1))) {
      throw err('noise.level', `out of range: ${cfg.noise.level}`);
    }
  }
  const activation = cfg.activation ?? 'relu';
  if (activation !== 'relu' && activation !== 'tanh') throw err('activation', `must be relu|tanh, got ${cfg.activation}`);
  const out: NormalizedModelConfig = { ...cfg, hidden: [...hidden], activation, sigma };
  if (latent2 !== undefined) out.latent2 = latent2;
  else delete out.latent2;
  return out;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** [b] log N(z; mu, exp(logvar)) summed over dims */
export function logNormal(z: tf.Tensor2D, mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Tensor1D {
  const t = tf.add(tf.mul(tf.squaredDifference(z, mu), tf.exp(tf.neg(logvar))), tf.add(logvar, LOG_2PI));
  return tf.mul(tf.sum(t, 1), -0.5);
}

/** [b] log N(z; 0, I) */
export function logStdNormal(z: tf.Tensor2D): tf.Tensor1D {
  return tf.mul(tf.sum(tf.add(tf.square(z), LOG_2PI), 1), -0.5);
}

/** [b] KL(N(mu, exp(logvar)) || N(0, I)) summed over dims */
export function klStdNormal(mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Tensor1D {
  return tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), tf.add(logvar, 1)), 1), 0.5);
}

/** [b, d] KL(N(m1, v1) || N(m2, v2)) per dimension */
export function klGaussians(mu1: tf.Tensor2D, lv1: tf.Tensor2D, mu2: tf.Tensor2D, lv2: tf.Tensor2D): tf.Tensor2D {
  const t = tf.div(tf.add(tf.exp(lv1), tf.squaredDifference(mu1, mu2)), tf.exp(lv2));
  return tf.mul(tf.sub(tf.add(t, lv2), tf.add(lv1, 1)), 0.5);
}

/** [b, d] standard normal noise from the rng */
export function normalNoise(rng: Rng, b: number, d: number): tf.Tensor2D {
  return tf.tensor2d(rng.fillNormal(new Float32Array(b * d)), [b, d]);
}

/** z = mu + exp(logvar / 2) * eps */
export function reparameterize(g: Gaussian, rng: Rng): tf.Tensor2D {
  if (!g.logvar) return g.mu;
  const [b, d] = g.mu.shape;
  return tf.add(g.mu, tf.mul(tf.exp(tf.mul(g.logvar, 0.5)), normalNoise(rng, b, d)));
}

/** Corrupts x [b, D] in 0..1 (denoising input); the target stays clean. */
export function corrupt(x: tf.Tensor2D, noise: { kind: NoiseKind; level: number }, rng: Rng): tf.Tensor2D {
  const [b, d] = x.shape;
  if (noise.level <= 0) return x;
  if (noise.kind === 'gaussian') {
    return tf.clipByValue(tf.add(x, tf.mul(normalNoise(rng, b, d), noise.level)), 0, 1) as tf.Tensor2D;
  }
  const u = tf.tensor2d(rng.fillUniform(new Float32Array(b * d)), [b, d]);
  const hit = tf.less(u, noise.level);
  if (noise.kind === 'mask') return tf.where(hit, tf.zerosLike(x), x) as tf.Tensor2D;
  // salt-and-pepper: a hit pixel becomes 0 or 1 with equal odds (u / level is uniform again)
  const salt = tf.cast(tf.greaterEqual(tf.div(u, noise.level), 0.5), 'float32');
  return tf.where(hit, salt, x) as tf.Tensor2D;
}

/** Bernoulli sample of x [b, D] (dynamic binarization). */
export function binarize(x: tf.Tensor2D, rng: Rng): tf.Tensor2D {
  const [b, d] = x.shape;
  const u = tf.tensor2d(rng.fillUniform(new Float32Array(b * d)), [b, d]);
  return tf.cast(tf.less(u, x), 'float32') as tf.Tensor2D;
}

type Net2D = (x: tf.Tensor2D, inputGrad: boolean) => tf.Tensor2D;

/** Dense stack: sizes [in, h1, ..., out]; `act` between layers, `lastAct` at the end. */
function mlp(ps: ParamStore, prefix: string, sizes: number[], act: Activation, lastAct: Activation): Net2D {
  const layers: { w: tf.Variable; b: tf.Variable; act: Activation }[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push({
      w: ps.add(`${prefix}/dense${i}/W`, [sizes[i]!, sizes[i + 1]!], 'glorot'),
      b: ps.add(`${prefix}/dense${i}/b`, [sizes[i + 1]!], 'zeros'),
      act: i + 2 === sizes.length ? lastAct : act,
    });
  }
  return (x, inputGrad) => {
    let h = x;
    layers.forEach((l, i) => {
      h = dense(h, l.w, l.b, l.act, inputGrad || i > 0);
    });
    return h;
  };
}

/** Number of stride-2 convs for a side: down to about 7..8 pixels (28 -> 7, 32 -> 8, 64 -> 8). */
function convDepth(shape: ImageShape): number {
  const side = Math.min(shape.height, shape.width);
  let n = 0;
  while (side / 2 ** (n + 1) >= 7 && n < 4) n++;
  n = Math.max(1, n);
  const m = 2 ** n;
  if (shape.height % m !== 0 || shape.width % m !== 0) {
    throw new Error(
      `conv family: image size ${shape.height}x${shape.width} must be divisible by ${m}; use a side like 28, 32 or 64, or the mlp family`,
    );
  }
  return n;
}

const CONV_CHANNELS = [32, 64, 64, 128];

/** conv encoder body: x [b, D] -> features [b, F] (before the dense layers) */
function convEncoderBody(ps: ParamStore, prefix: string, shape: ImageShape, act: Activation): { net: Net2D; features: number } {
  const depth = convDepth(shape);
  const layers: { w: tf.Variable; b: tf.Variable }[] = [];
  let cin = shape.channels;
  for (let i = 0; i < depth; i++) {
    const cout = CONV_CHANNELS[i]!;
    layers.push({ w: ps.add(`${prefix}/conv${i}/W`, [4, 4, cin, cout], 'glorot'), b: ps.add(`${prefix}/conv${i}/b`, [cout], 'zeros') });
    cin = cout;
  }
  const h = shape.height / 2 ** depth;
  const w = shape.width / 2 ** depth;
  const net: Net2D = (x, inputGrad) => {
    let t = tf.reshape(x, [x.shape[0], shape.height, shape.width, shape.channels]) as tf.Tensor4D;
    layers.forEach((l, i) => {
      t = conv2d(t, l.w, l.b, 2, act, inputGrad || i > 0);
    });
    return tf.reshape(t, [x.shape[0], h * w * cin]) as tf.Tensor2D;
  };
  return { net, features: h * w * cin };
}

/** conv decoder tail: features [b, h0*w0*c0] -> [b, H*W*C*mult] via conv + depthToSpace */
function convDecoderTail(
  ps: ParamStore,
  prefix: string,
  shape: ImageShape,
  act: Activation,
  mult: number,
): { net: Net2D; features: number } {
  const depth = convDepth(shape);
  const h0 = shape.height / 2 ** depth;
  const w0 = shape.width / 2 ** depth;
  const c0 = CONV_CHANNELS[depth - 1]!;
  const layers: { w: tf.Variable; b: tf.Variable; act: Activation; cout: number }[] = [];
  let cin = c0;
  for (let i = 0; i < depth; i++) {
    const last = i === depth - 1;
    const cout = last ? shape.channels * mult : CONV_CHANNELS[depth - 2 - i]!;
    // sub-pixel upsampling: a 2x2 conv to 4*cout channels, then depthToSpace(2); the same
    // receptive field and cost as a 4x4 stride-2 transposed conv, but on conv2d (XNNPACK)
    layers.push({
      w: ps.add(`${prefix}/upconv${i}/W`, [2, 2, cin, 4 * cout], 'glorot'),
      b: ps.add(`${prefix}/upconv${i}/b`, [4 * cout], 'zeros'),
      act: last ? 'linear' : act,
      cout,
    });
    cin = cout;
  }
  const net: Net2D = (x) => {
    const b = x.shape[0];
    let t = tf.reshape(x, [b, h0, w0, c0]) as tf.Tensor4D;
    for (const l of layers) t = depthToSpace(conv2d(t, l.w, l.b, 1, l.act, true), 2);
    return tf.reshape(t, [b, shape.height * shape.width * shape.channels * mult]) as tf.Tensor2D;
  };
  return { net, features: h0 * w0 * c0 };
}

function split2(t: tf.Tensor2D, d: number): [tf.Tensor2D, tf.Tensor2D] {
  const [a, b] = tf.split(t, [d, d], 1);
  return [a as tf.Tensor2D, b as tf.Tensor2D];
}

/**
 * Builds a model. `seed` fixes the initial weights; `numClasses` is the size of the one-hot
 * label (used by cvae only).
 */
export function createModel(cfgIn: ModelConfig, shape: ImageShape, numClasses: number, seed: number): VaeModel {
  const cfg = normalizeModelConfig(cfgIn);
  const conditional = cfg.model === 'cvae';
  if (conditional && !(numClasses >= 2)) throw new Error(`cvae needs a labelled dataset with at least 2 classes, got ${numClasses}`);
  const K = conditional ? numClasses : 0;
  const D = shape.height * shape.width * shape.channels;
  const L = cfg.latent;
  const L2 = cfg.latent2 ?? 0;
  const stochastic = cfg.model !== 'ae' && cfg.model !== 'dae';
  const act: Activation = cfg.activation;
  const mult = outputsPerPixel(cfg.likelihood);
  const ps = new ParamStore(new Rng(deriveSeed(seed, 0x1417)));
  const headOut = stochastic ? 2 * L : L;

  // ---- encoder q(z|x): [x, y] -> hidden -> (mu, logvar)
  let encNet: Net2D;
  if (cfg.family === 'mlp') {
    encNet = mlp(ps, 'enc', [D + K, ...cfg.hidden, headOut], act, 'linear');
  } else {
    const body = convEncoderBody(ps, 'enc', shape, act);
    const top = mlp(ps, 'enc', [body.features + K, ...cfg.hidden, headOut], act, 'linear');
    encNet = conditional
      ? (xy, inputGrad) => {
          // the label joins after the convs: split it off the concatenated input
          const [x, y] = tf.split(xy, [D, K], 1) as [tf.Tensor2D, tf.Tensor2D];
          return top(tf.concat([body.net(x, inputGrad), y], 1) as tf.Tensor2D, true);
        }
      : (x, inputGrad) => top(body.net(x, inputGrad), true);
  }

  // ---- decoder p(x|z): [z, y] -> hidden -> logits (and log-variance)
  let decNet: Net2D;
  if (cfg.family === 'mlp') {
    decNet = mlp(ps, 'dec', [L + K, ...[...cfg.hidden].reverse(), D * mult], act, 'linear');
  } else {
    const tail = convDecoderTail(ps, 'dec', shape, act, mult);
    const head = mlp(ps, 'dec', [L + K, ...[...cfg.hidden].reverse(), tail.features], act, act);
    decNet = (z, inputGrad) => tail.net(head(z, inputGrad), true);
  }

  // ---- hvae: q(z2|z1) and p(z1|z2), half-width MLPs (the IWAE paper's 200/100 layout)
  const hidden2 = cfg.hidden.map((h) => Math.max(1, Math.ceil(h / 2)));
  const enc2Net = cfg.model === 'hvae' ? mlp(ps, 'enc2', [L, ...hidden2, 2 * L2], act, 'linear') : null;
  const prior1Net = cfg.model === 'hvae' ? mlp(ps, 'prior1', [L2, ...[...hidden2].reverse(), 2 * L], act, 'linear') : null;

  // ---- cvae with a learned prior: p(z|y), a per-class mean and log-variance (linear in the one-hot)
  if (cfg.learnedPrior && !conditional) throw new Error('model config: learnedPrior needs a cvae (the prior is p(z | label))');
  const priorNet = conditional && cfg.learnedPrior ? mlp(ps, 'prior', [K, 2 * L], 'linear', 'linear') : null;

  const withLabel = (t: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor2D => {
    if (!conditional) return t;
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

  const gaussianOf = (net: Net2D, t: tf.Tensor2D, d: number): Gaussian => {
    const [mu, logvar] = split2(net(t, true), d);
    return { mu, logvar };
  };

  const prepare = (x: tf.Tensor2D, training: boolean, rng: Rng): { input: tf.Tensor2D; target: tf.Tensor2D } => {
    checkInput(x);
    // binarized: the binary sample is both what the encoder sees and what is scored
    const target = cfg.likelihood === 'binarized' ? binarize(x, rng) : x;
    const input = training && cfg.noise && cfg.noise.level > 0 ? corrupt(target, cfg.noise, rng) : target;
    return { input, target };
  };

  const perImage = (x: tf.Tensor2D, y: tf.Tensor2D | undefined, opts: LossOptions): PerImage => {
    const { input, target } = prepare(x, opts.training, opts.rng);
    const q1 = encodeInner(input, y, false);
    const z1 = reparameterize(q1, opts.rng);
    const recon = negLogLik(cfg.likelihood, decodeParams(z1, y), target, cfg.sigma);
    let kl: tf.Tensor1D;
    if (!stochastic) {
      kl = tf.zeros([x.shape[0]]);
    } else if (priorNet) {
      const p = gaussianOf(priorNet, y!, L);
      kl = tf.sum(klGaussians(q1.mu, q1.logvar!, p.mu, p.logvar!), 1) as tf.Tensor1D;
    } else if (cfg.model !== 'hvae') {
      kl = klStdNormal(q1.mu, q1.logvar!);
    } else {
      // KL(q(z2|z1) || N(0,I)) analytic, plus log q(z1|x) - log p(z1|z2) at the sampled z1,
      // z2 (single sample: z2 depends on z1, so an analytic KL for level 1 would be biased)
      const q2 = gaussianOf(enc2Net!, z1, L2);
      const z2 = reparameterize(q2, opts.rng);
      const p1 = gaussianOf(prior1Net!, z2, L);
      const top = klStdNormal(q2.mu, q2.logvar!);
      const bottom = tf.sub(logNormal(z1, q1.mu, q1.logvar!), logNormal(z1, p1.mu, p1.logvar!));
      kl = tf.add(top, bottom);
    }
    return { recon, kl };
  };

  const model: VaeModel = {
    config: cfg,
    shape: { ...shape },
    numClasses,
    inputSize: D,
    latent: L,
    latent2: L2,
    stochastic,
    conditional,
    variables: ps.vars,
    paramNames: ps.names,
    encode: (x, y) => encodeInner(x, y, true),
    decode: (z, y) => meanImage(cfg.likelihood, decodeParams(z, y)),
    decodeParams,
    prepare,
    perImage,
    lossParts(x, y, opts) {
      const p = perImage(x, y, opts);
      const recon = tf.mean(p.recon) as tf.Scalar;
      const kl = tf.mean(p.kl) as tf.Scalar;
      const loss = stochastic && opts.beta !== 0 ? (tf.add(recon, tf.mul(kl, opts.beta)) as tf.Scalar) : recon;
      return { loss, recon, kl };
    },
    logWeight(x, y, rng) {
      if (!stochastic) throw new Error(`${cfg.model} has no prior, so no likelihood bound; use a vae, cvae or hvae`);
      const { target } = prepare(x, false, rng);
      const q1 = encodeInner(target, y, true);
      const z1 = reparameterize(q1, rng);
      const logPx = tf.neg(negLogLik(cfg.likelihood, decodeParams(z1, y), target, cfg.sigma));
      const logQ1 = logNormal(z1, q1.mu, q1.logvar!);
      if (priorNet) {
        const p = gaussianOf(priorNet, y!, L);
        return tf.sub(tf.add(logPx, logNormal(z1, p.mu, p.logvar!)), logQ1);
      }
      if (cfg.model !== 'hvae') return tf.sub(tf.add(logPx, logStdNormal(z1)), logQ1);
      const q2 = gaussianOf(enc2Net!, z1, L2);
      const z2 = reparameterize(q2, rng);
      const p1 = gaussianOf(prior1Net!, z2, L);
      const logP = tf.add(tf.add(logPx, logNormal(z1, p1.mu, p1.logvar!)), logStdNormal(z2));
      return tf.sub(logP, tf.add(logQ1, logNormal(z2, q2.mu, q2.logvar!)));
    },
    getWeights: () => ps.getWeights(),
    setWeights: (w) => ps.setWeights(w),
    dispose: () => ps.dispose(),
  };
  if (priorNet) model.priorZ = (y) => gaussianOf(priorNet, y, L);
  if (cfg.model === 'hvae') {
    model.encodeTop = (z1) => gaussianOf(enc2Net!, z1, L2);
    model.priorZ1 = (z2) => gaussianOf(prior1Net!, z2, L);
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
