// Shapes shared by the core modules (plain Node; never import electron here).

/** A dataset in memory: N images of H x W x C uint8, one label and one split flag per image. */
export interface Dataset {
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** [n, height, width, channels], row-major, 0..255 */
  pixels: Uint8Array;
  /** [n]; -1 where the image has no label */
  labels: Int32Array;
  /** [n]; 0 = train, 1 = test */
  split: Uint8Array;
  /** label index -> name ("0".."9" for MNIST, "s1".."s40" for faces) */
  labelNames: string[];
}

export type ModelKind = 'ae' | 'vae' | 'cvae' | 'hvae' | 'dae';
export type Family = 'mlp' | 'conv';
export type Likelihood = 'bernoulli' | 'binarized' | 'gaussian' | 'gaussian-learned' | 'cbernoulli';
export type NoiseKind = 'gaussian' | 'mask' | 'salt-pepper';
export type Objective = 'elbo' | 'iwae';
export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'webgpu' | 'wasm' | 'cpu';

/** Everything that defines a training run. Stored as JSON in the runs table. */
export interface ModelConfig {
  model: ModelKind;
  family: Family;
  /** size of z (for hvae: size of the bottom level z1) */
  latent: number;
  /** hvae only: size of the level z2 (the top one when levels is 2) */
  latent2?: number;
  /** hvae only: levels of latents, 2..4 (default 2, or as many as the sizes given) */
  levels?: number;
  /** hvae with levels >= 3 / 4: sizes of z3 and z4 (default: half the level below, rounded up) */
  latent3?: number;
  latent4?: number;
  /** hidden layer widths of the MLP encoder (decoder mirrors it); default [400] */
  hidden?: number[];
  activation?: 'relu' | 'tanh';
  likelihood: Likelihood;
  /** fixed sigma of the Gaussian likelihood (pixels scaled to 0..1) */
  sigma?: number;
  /** weight of the KL term (beta-VAE); 1 = plain VAE; ignored for ae/dae */
  beta: number;
  /** epochs over which beta ramps linearly from 0 to beta (0 = no warm-up) */
  warmup?: number;
  /** cvae only: a learned prior p(z | y) = N(mu_y, diag sigma_y^2) instead of N(0, I) */
  learnedPrior?: boolean;
  /** dae only (also allowed for ae/vae): input corruption */
  noise?: { kind: NoiseKind; level: number };
  /**
   * cvae only: 1 q(z|x,y) p(z|y) p(x|z,y); 2 q(z|x,y) N(0,I) p(x|z,y) (default); 3 prediction,
   * q(z|x,y) p(z|x) p(y|x,z); 4 CMMA, q(z|x) p(z|y) p(x|z). learnedPrior is form 1.
   */
  form?: 1 | 2 | 3 | 4;
  /** what training maximizes: the ELBO (default) or the importance-weighted bound */
  objective?: Objective;
  /** iwae only: importance samples per image (1..50; k = 1 is the ELBO) */
  k?: number;
}

export interface TrainConfig extends ModelConfig {
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  /** use at most this many training images (and ~limit/6 test images) */
  limit?: number;
  /** wasm: data-parallel training threads; undefined = the machine's available cores */
  threads?: number;
}

export interface LossParts {
  /** per image, nats: recon + beta*kl (the training objective) */
  loss: number;
  /** per image, nats: -E[log p(x|z)] */
  recon: number;
  /** per image, nats: KL(q(z|x) || p(z)) summed over dimensions (all levels for hvae) */
  kl: number;
}

export interface StepProgress extends LossParts {
  epoch: number; // 0-based epoch in progress
  step: number; // global step count
  stepsPerEpoch: number;
  imagesPerSec: number;
}

export interface EpochResult extends LossParts {
  epoch: number; // 1-based number of epochs completed
  step: number;
  /** held-out negative ELBO per image, nats (beta = 1, no corruption) */
  heldOut: number;
  heldOutRecon: number;
  heldOutKl: number;
  imagesPerSec: number;
  seconds: number;
}
