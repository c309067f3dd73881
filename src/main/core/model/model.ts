// The interface every model of the family implements (createModel in vae.ts builds them,
// createPredictiveModel in predictive.ts the CVAE that predicts the label): what the trainer,
// the explore code and the exports may ask of a model.
import type * as tf from '@tensorflow/tfjs-core';
import type { NormalizedModelConfig } from './config.js';
import type { Gaussian } from './distributions.js';
import type { NamedWeight } from './layers.js';
import type { DecoderOut } from './likelihood.js';
import type { ImageShape } from './networks.js';
import type { Rng } from './rng.js';
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
  /** every level's size, bottom up: [latent], or [z1, z2, ..., z_T] for hvae */
  readonly latentSizes: readonly number[];
  /** false for ae / dae: the encoder gives a point, there is no prior */
  readonly stochastic: boolean;
  /** true for cvae: every call needs one-hot labels */
  readonly conditional: boolean;
  /** false for cvae form 3, whose decoder gives a label, not an image (decode throws) */
  readonly decodesImages: boolean;
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
  /** hvae: q(z_t | z_{t-1}) for t = 2..T (t = 2 is encodeTop) */
  encodeLevel?(t: number, below: tf.Tensor2D): Gaussian;
  /** hvae: p(z_t | z_{t+1}) for t = 1..T-1 (t = 1 is priorZ1) */
  priorLevel?(t: number, above: tf.Tensor2D): Gaussian;
  /** hvae: perImage's KL level by level, [b] each, bottom first (the same draws for the same rng) */
  levelKl?(x: tf.Tensor2D, opts: LossOptions): tf.Tensor1D[];
  /** cvae with a learned prior (forms 1 and 4): p(z|y) for one-hot y [b, K] */
  priorZ?(y: tf.Tensor2D): Gaussian;
  /** cvae form 3: p(y | x, z = mean of p(z|x)), class probabilities [b, K] of images x [b, D] */
  predict?(x: tf.Tensor2D): tf.Tensor2D;
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
