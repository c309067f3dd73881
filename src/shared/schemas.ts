// The contract's shared schemas: the train config, the grid and walk specs, and the
// building blocks the method schemas use. contract.ts re-exports them; the limits come from
// limits.ts, so the schema and the core's validation cannot disagree.
import { z } from 'zod';
import {
  cvaeForms,
  activations,
  families,
  likelihoods,
  modelKinds,
  noiseKinds,
  objectives,
  TRAIN_DEFAULTS,
  TRAIN_LIMITS,
  type Limit,
} from './limits';

export const backendPrefs = [
  'auto',
  'tfjs-node-gpu',
  'tfjs-node',
  'webgpu',
  'webgpu-chromium',
  'webgpu-browser',
  'torch',
  'wasm',
  'cpu',
] as const;

/** where the PyTorch engine trains: auto takes CUDA, then Apple's MPS, then the CPU */
export const torchDevices = ['auto', 'cuda', 'mps', 'cpu'] as const;

/** The PyTorch engine's device and processes on this machine (torchrun's --nproc_per_node past 1). */
export const torchChoiceSchema = z
  .object({
    device: z.enum(torchDevices).optional(),
    processes: z.number().int().min(1).max(256).optional(),
  })
  .strict();

/** a database id */
export const id = z.number().int().positive();

/** A zod number within one of the shared limits, so the schema and the core cannot disagree. */
export function within(limit: Limit) {
  const n = limit.int ? z.number().int() : z.number();
  const low = limit.minExclusive ? n.gt(limit.min) : n.min(limit.min);
  return limit.max === Number.MAX_SAFE_INTEGER ? low : low.max(limit.max);
}

const L = TRAIN_LIMITS;
const D = TRAIN_DEFAULTS;

export const trainConfigSchema = z
  .object({
    model: z.enum(modelKinds).default(D.model),
    family: z.enum(families).default(D.family),
    latent: within(L.latent).default(D.latent),
    latent2: within(L.latent2).optional(),
    /** HVAE: levels of latents (2..4) and the sizes of z3, z4 */
    levels: within(L.levels).optional(),
    latent3: within(L.latent2).optional(),
    latent4: within(L.latent2).optional(),
    hidden: z.array(within(L.hiddenWidth)).min(L.hiddenLayers.min).max(L.hiddenLayers.max).optional(),
    activation: z.enum(activations).optional(),
    likelihood: z.enum(likelihoods).default(D.likelihood),
    sigma: within(L.sigma).optional(),
    beta: within(L.beta).default(D.beta),
    warmup: within(L.warmup).optional(),
    noise: z.object({ kind: z.enum(noiseKinds), level: within(L.noiseLevel) }).optional(),
    /** mirror about half of each epoch's training images left to right (seeded): for photographs */
    flip: z.boolean().optional(),
    /** CVAE: learn the prior p(z | y) per class instead of N(0, I) */
    learnedPrior: z.boolean().optional(),
    /** CVAE: 1 learned p(z|y) (= learnedPrior), 2 N(0, I) (default), 3 predicts y from x, 4 the label in the prior only */
    form: z.literal(cvaeForms).optional(),
    /** what training maximizes: the ELBO (default) or the IWAE bound with k importance samples */
    objective: z.enum(objectives).optional(),
    k: within(L.k).optional(),
    epochs: within(L.epochs).default(D.epochs),
    batch: within(L.batch).default(D.batch),
    lr: within(L.lr).default(D.lr),
    seed: within(L.seed).default(D.seed),
    limit: within(L.limit).optional(),
    /** wasm: data-parallel training threads (each its own engine); default: the machine's cores */
    threads: within(L.threads).optional(),
  })
  .strict();
export type TrainConfigInput = z.input<typeof trainConfigSchema>;
export type TrainConfigParsed = z.output<typeof trainConfigSchema>;

/** The ranges a traversal (and a sweep) can take per dimension (disentanglement_lib's choices). */
export const traverseRanges = ['prior', 'sd2', 'minmax'] as const;

/** Where the latent dimensions that are not swept are pinned. */
export const baseSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('zero') }),
  z.object({ kind: z.literal('image'), index: z.number().int().min(0) }),
  z.object({ kind: z.literal('random'), seed: z.number().int().min(0) }),
  z.object({ kind: z.literal('values'), values: z.array(z.number().finite()).max(256) }),
]);
export type SweepBase = z.infer<typeof baseSchema>;

/** HVAE: a latent level, 1 = z1 (bottom) .. T = the top (levels up to the limit; a run's own T is checked by the service) */
export const latentLevel = z.number().int().min(1).max(L.levels.max);

/** Every grid the app draws; export:grid takes the same spec, so the PNG is what was on screen. */
export const gridSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('sweep'),
    runId: id,
    dims: z.tuple([z.number().int().min(0), z.number().int().min(0)]),
    range: z.tuple([z.number().finite(), z.number().finite()]).default([-3, 3]),
    grid: z.number().int().min(2).max(32).default(16),
    spacing: z.enum(['linear', 'normal']).default('linear'),
    base: baseSchema.default({ kind: 'zero' }),
    /** CVAE: the class to generate */
    label: z.number().int().min(0).optional(),
    /** HVAE: which level is swept (1..T; the levels below are decoded through their conditional means) */
    level: latentLevel.optional(),
    /** each axis over its dimension's data range instead of `range`: +-2 sd or min..max of the encoded test means */
    rangeFrom: z.enum(['sd2', 'minmax']).optional(),
    /** 'pca': dims are principal components of the encoded test means (0 = PC1), range in their standard deviations */
    axes: z.enum(['dims', 'pca']).optional(),
    /** with axes 'pca': where each other component is pinned, in its standard deviations (index 0 = PC1; the swept two are ignored) */
    pcOffsets: z.array(z.number().finite()).max(256).optional(),
    /** also the density of the encoded training set (the aggregate posterior) and of the prior over the window */
    density: z.boolean().optional(),
    /**
     * tiles area-averaged by this factor: the live sweep drawn at under half its pixels asks for
     * what it can show (a 16x16 grid of 64 px faces is 1 MB a frame, a quarter of that at 2);
     * the hover zoom and export ask for full size. The grid's height and width say what came.
     */
    shrink: z.number().int().min(1).max(8).optional(),
  }),
  /** one row per latent dimension (ranked by KL, inactive ones folded), from low to high with the others pinned */
  z.object({
    kind: z.literal('traverse'),
    runId: id,
    steps: z.number().int().min(2).max(32).default(10),
    /** the prior's -3..3, +-2 sd of the encoded test means, or their min..max (per dimension) */
    range: z.enum(traverseRanges).default('prior'),
    base: baseSchema.default({ kind: 'zero' }),
    /** also the dimensions the model does not use */
    inactive: z.boolean().default(false),
    label: z.number().int().min(0).optional(),
    level: latentLevel.optional(),
  }),
  /** an image's code moved along the vector from class A's mean code to class B's (White's attribute vectors) */
  z.object({
    kind: z.literal('attribute'),
    runId: id,
    from: z.number().int().min(0),
    to: z.number().int().min(0),
    /** the dataset image whose code is moved */
    index: z.number().int().min(0),
    /** how far along the vector, one tile each (0 = the image's own code, 1 = moved by the whole difference) */
    amounts: z.array(z.number().finite()).min(1).max(32).default([-0.5, 0, 0.5, 1, 1.5]),
  }),
  /** White's analogy grid (J-diagram): images A, B, C at three corners, B + C - A at the fourth, the inside blended */
  z.object({
    kind: z.literal('analogy'),
    runId: id,
    a: z.number().int().min(0),
    b: z.number().int().min(0),
    c: z.number().int().min(0),
    /** tiles per side */
    size: z.number().int().min(3).max(12).default(7),
  }),
  z.object({
    kind: z.literal('samples'),
    runId: id,
    n: z.number().int().min(1).max(1024).default(64),
    seed: z.number().int().min(0).default(1),
    label: z.number().int().min(0).optional(),
    /** codes from N(0, I) (the prior) or from a Gaussian mixture fitted to the encoded training means */
    from: z.enum(['prior', 'mixture']).optional(),
    /** the mixture's components (EM, fixed seed; default 10) */
    components: z.number().int().min(1).max(64).optional(),
  }),
  z.object({
    kind: z.literal('reconstruct'),
    runId: id,
    n: z.number().int().min(1).max(256).default(16),
    offset: z.number().int().min(0).default(0),
  }),
  z.object({
    kind: z.literal('interpolate'),
    runId: id,
    /** the ends as dataset image indices (encoded to their means)... */
    a: z.number().int().min(0).optional(),
    b: z.number().int().min(0).optional(),
    /** ...or as two points of the latent space (e.g. two cells of a sweep) */
    za: z.array(z.number().finite()).min(1).max(256).optional(),
    zb: z.array(z.number().finite()).min(1).max(256).optional(),
    /** HVAE: the level the points za/zb live in */
    level: latentLevel.optional(),
    steps: z.number().int().min(2).max(64).default(10),
    mode: z.enum(['linear', 'slerp']).default('linear'),
    /** a second run of the same data (AE beside VAE): its strip is drawn as a second row */
    compareRunId: id.optional(),
  }),
  z.object({
    kind: z.literal('classes'),
    runId: id,
    dim: z.number().int().min(0).default(0),
    range: z.tuple([z.number().finite(), z.number().finite()]).default([-3, 3]),
    steps: z.number().int().min(2).max(32).default(10),
  }),
  /** samples from the prior above their nearest training images (pixel L2): did it memorize? */
  z.object({
    kind: z.literal('nearest'),
    runId: id,
    n: z.number().int().min(1).max(32).default(8),
    seed: z.number().int().min(0).default(1),
    label: z.number().int().min(0).optional(),
  }),
  z.object({
    kind: z.literal('dataset'),
    datasetId: id,
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1024).default(100),
    label: z.number().int().min(-1).optional(),
    split: z.enum(['train', 'test']).optional(),
    indices: z.array(z.number().int().min(0)).max(1024).optional(),
  }),
]);
export type GridSpec = z.input<typeof gridSpecSchema>;
export type GridSpecParsed = z.output<typeof gridSpecSchema>;

/** HVAE: the latent level a walk moves through (1..T) */
export const levelArg = latentLevel.optional();
export const latentPoint = z.array(z.number().finite()).min(1).max(256);

/** A walk through the latent space, one decoded image per frame: what export:animation draws. */
export const walkSpecSchema = z.discriminatedUnion('kind', [
  /** between dataset images A -> B (-> C ...), optionally back to A as a loop */
  z.object({
    kind: z.literal('interpolate'),
    runId: id,
    images: z.array(z.number().int().min(0)).min(2).max(16),
    loop: z.boolean().default(false),
    /** frames per leg, both ends included */
    steps: z.number().int().min(2).max(120).default(24),
    mode: z.enum(['linear', 'slerp']).default('linear'),
  }),
  /** one dimension from low to high with the others pinned at the base (and back, as a loop) */
  z.object({
    kind: z.literal('traverse'),
    runId: id,
    dim: z.number().int().min(0),
    range: z.tuple([z.number().finite(), z.number().finite()]).default([-3, 3]),
    steps: z.number().int().min(2).max(120).default(24),
    base: baseSchema.default({ kind: 'zero' }),
    bounce: z.boolean().default(true),
    label: z.number().int().min(0).optional(),
    level: levelArg,
  }),
  /** through latent points in order (the cells a sweep walk visited) */
  z.object({
    kind: z.literal('path'),
    runId: id,
    points: z.array(latentPoint).min(2).max(64),
    loop: z.boolean().default(false),
    steps: z.number().int().min(2).max(120).default(8),
    mode: z.enum(['linear', 'slerp']).default('linear'),
    label: z.number().int().min(0).optional(),
    level: levelArg,
  }),
]);
export type WalkSpec = z.input<typeof walkSpecSchema>;
export type WalkSpecParsed = z.output<typeof walkSpecSchema>;
export const animationFormats = ['gif', 'webp'] as const;
