// Shapes shared by the core modules (plain Node; never import electron here).
import type { TrainConfigParsed } from '../../shared/schemas';
import type { families, likelihoods, modelKinds, noiseKinds, objectives } from '../../shared/limits';

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

// the kinds are the shared lists', so a new one is added in one place (shared/limits.ts)
export type ModelKind = (typeof modelKinds)[number];
export type Family = (typeof families)[number];
export type Likelihood = (typeof likelihoods)[number];
export type NoiseKind = (typeof noiseKinds)[number];
export type Objective = (typeof objectives)[number];
export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'webgpu' | 'wasm' | 'cpu';
/** What trains a run: a tfjs backend in a worker thread, or an engine of its own (engines/). */
export type EngineName = BackendName | 'webgpu-chromium' | 'webgpu-browser' | 'torch';

/**
 * Everything that defines a training run, stored as JSON in the runs table: the contract's
 * schema output (shared/schemas.ts), so the door's validation and the core's type are one
 * thing. The fields' meanings are documented there.
 */
export type TrainConfig = TrainConfigParsed;

/** The part of a run's config that defines the model (what a checkpoint must match). */
export type ModelConfig = Omit<TrainConfig, 'epochs' | 'batch' | 'lr' | 'seed' | 'limit' | 'threads'>;

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
  /** latent dimensions in use on held-out images (variance of the mean > 0.01), where measured */
  activeUnits?: number;
  /** KL of each latent dimension on those held-out images, nats, where measured */
  dimKl?: number[];
}
