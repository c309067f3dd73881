// explore/: exploring and evaluating a trained model (plain typed arrays in and out).
// The lead chose this implementation (codec/sweep/metrics/neighbours) over a parallel one that
// was removed; extend these files rather than adding another set.
export { classPriors, decodeLatents, encodeImages, priorMean, randomNormal, reconstruct, samplePrior } from './codec.js';
export { classSweep, interpolate, sweepGrid, sweepValues, type Spacing, type SweepSpec } from './sweep.js';
export { classify, evaluate, perDimensionKl, perImageLoss, type EvaluateOptions, type Evaluation } from './metrics.js';
export { nearestTraining } from './neighbours.js';
export { levelReport, type LevelReport } from './levels.js';
export { fitPca, pcaError, type Pca } from './pca.js';
