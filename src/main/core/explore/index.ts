// Exploring and evaluating a trained model (plain typed arrays in and out).
export {
  classSweep,
  decodeLatents,
  encodeImages,
  interpolate,
  latentSize,
  perDimensionKl,
  randomNormal,
  reconstruct,
  samplePrior,
  scatter,
  sweepGrid,
  type ClassSweepSpec,
  type DimensionStats,
  type Encoded,
  type Reconstruction,
  type SweepGrid,
  type SweepSpec,
} from './latent.js';
export { classify, evaluate, perImageLoss, type Evaluation } from './evaluate.js';
export { normalCdf, normalInverseCdf, sweepValues, type Spacing } from './normal.js';
