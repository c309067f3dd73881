// The one contract between the renderer and the service. Three doors implement the
// transport (Electron IPC, the browser-mode WebSocket bridge, the CLI calls the service
// directly); none of them adds logic. No electron, no node:*, no DOM in this file.
import { z } from 'zod';
import {
  activations,
  cvaeForms,
  families,
  likelihoods,
  modelKinds,
  noiseKinds,
  objectives,
  TRAIN_DEFAULTS,
  TRAIN_LIMITS,
  type Limit,
} from './limits';
import type { MenuCommandEvent } from './menu';
import { eventNameList } from './names';
import { fail, ok, type Result } from './result';

// ---------------------------------------------------------------- results and errors

// Defined zod-free in result.ts so the renderer can import them without the schemas.
export { AppFailure, fail, ok, type AppError, type ErrorCode, type Result } from './result';

// ---------------------------------------------------------------- building blocks

export { activations, cvaeForms, families, likelihoods, modelKinds, noiseKinds, objectives } from './limits';
export const backendPrefs = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu'] as const;

const id = z.number().int().positive();

/** A zod number within one of the shared limits, so the schema and the core cannot disagree. */
function within(limit: Limit) {
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
    /** HVAE: which level is swept (2 = top) */
    level: z.union([z.literal(1), z.literal(2)]).optional(),
    /** each axis over its dimension's data range instead of `range`: +-2 sd or min..max of the encoded test means */
    rangeFrom: z.enum(['sd2', 'minmax']).optional(),
    /** 'pca': dims are principal components of the encoded test means (0 = PC1), range in their standard deviations */
    axes: z.enum(['dims', 'pca']).optional(),
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
    level: z.union([z.literal(1), z.literal(2)]).optional(),
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
    level: z.union([z.literal(1), z.literal(2)]).optional(),
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

/** HVAE: the latent level a walk moves through (2 = top) */
const levelArg = z.union([z.literal(1), z.literal(2)]).optional();
const latentPoint = z.array(z.number().finite()).min(1).max(256);

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

// ---------------------------------------------------------------- records
// The result records (what the methods return and events carry) are plain types in
// records.ts, so they can be read without the schemas.
export type * from './records';
import type {
  Grid,
  AppInfo,
  DatasetInfo,
  SkippedFile,
  ProbeResult,
  BrowseResult,
  RunQuality,
  RunInfo,
  MetricRow,
  DimsResult,
  Evaluation,
  JobProgress,
  JobFinished,
  RunBundleExport,
  AnimationExport,
} from './records';

// ---------------------------------------------------------------- methods

const empty = z.object({}).strict().default({});
const runRef = z.object({ runId: id }).strict();
const datasetRef = z.object({ datasetId: id }).strict();
/** a folder import's labels: subfolders (default), a file-name pattern (empty: the default rule), none */
const labelSource = {
  labelsFrom: z.enum(['subfolders', 'pattern', 'none']).optional(),
  labelPattern: z.string().max(200).optional(),
};

export const argSchemas = {
  'app:info': empty,

  'datasets:list': empty,
  'datasets:probe': z.object({ path: z.string().min(1), ...labelSource }).strict(),
  'datasets:import': z
    .object({
      kind: z.enum(['folder', 'idx', 'mnist']),
      path: z.string().min(1).optional(),
      labelsPath: z.string().min(1).optional(),
      name: z.string().trim().min(1).max(100).optional(),
      color: z.enum(['auto', 'gray', 'rgb']).default('auto'),
      side: z.number().int().min(8).max(256).optional(),
      resize: z.enum(['fit', 'crop']).default('fit'),
      testShare: z.number().min(0).max(0.9).default(0.1),
      seed: z.number().int().min(0).default(1),
      ...labelSource,
    })
    .strict()
    .refine((a) => a.kind === 'mnist' || a.path, { message: 'path is required for a folder or IDX import', path: ['path'] }),
  /** a folder on the server (home by default), for browsing in browser mode; with prefix, only
   *  the entries whose names start with it (autocomplete) */
  'datasets:browse': z.object({ path: z.string().max(4096).optional(), prefix: z.string().max(255).optional() }).strict(),
  'datasets:skipped': datasetRef,
  'datasets:rename': z.object({ datasetId: id, name: z.string().trim().min(1).max(100) }).strict(),
  'datasets:delete': datasetRef,

  'runs:list': empty,
  'runs:get': runRef,
  'runs:metrics': z.object({ runId: id, kind: z.enum(['step', 'epoch']).optional() }).strict(),
  'runs:start': z
    .object({
      datasetId: id,
      config: trainConfigSchema,
      name: z.string().trim().min(1).max(100).optional(),
      backend: z.enum(backendPrefs).default('auto'),
    })
    .strict(),
  'runs:resume': runRef,
  'runs:rename': z.object({ runId: id, name: z.string().trim().min(1).max(100) }).strict(),
  'runs:delete': runRef,
  /** PSNR of the reconstructions at the latest checkpoint (up to 1000 test images) */
  'runs:quality': runRef,
  /** a run as one file (config, weights, metrics, the dataset's shape; no images) */
  'runs:export': z.object({ runId: id, path: z.string().min(1).optional(), overwrite: z.boolean().default(false) }).strict(),
  /** a bundle from a file (path) or its bytes (browser mode); always a new run */
  'runs:import': z
    .object({
      path: z.string().min(1).optional(),
      bytes: z.instanceof(Uint8Array).optional(),
      /** with bytes: the uploaded file's name, for the messages and the dataset's source */
      fileName: z.string().min(1).max(255).optional(),
      name: z.string().trim().min(1).max(100).optional(),
    })
    .strict()
    .refine((a) => (a.path === undefined) !== (a.bytes === undefined), {
      message: 'give the path of a bundle or its bytes',
      path: ['path'],
    }),

  'jobs:list': empty,
  'jobs:cancel': z.object({ jobId: z.string().min(1) }).strict(),

  /** HVAE: level 2 ranks the top level z2 (q(z2|z1) against N(0, I)) */
  'explore:dims': z.object({ runId: id, level: z.union([z.literal(1), z.literal(2)]).default(1) }).strict(),
  'explore:grid': gridSpecSchema,
  'explore:encode': z
    .object({ runId: id, index: z.number().int().min(0), level: z.union([z.literal(1), z.literal(2)]).default(1) })
    .strict(),
  'explore:scatter': z
    .object({
      runId: id,
      dims: z.tuple([z.number().int().min(0), z.number().int().min(0)]).optional(),
      limit: z.number().int().min(10).max(10000).default(2000),
    })
    .strict(),
  'explore:evaluate': z
    .object({ runId: id, iwae: z.number().int().min(1).max(5000).default(1), limit: z.number().int().min(1).optional() })
    .strict(),
  'explore:outliers': z.object({ runId: id, limit: z.number().int().min(1).max(256).default(32) }).strict(),

  'export:grid': z
    .object({
      spec: gridSpecSchema,
      scale: z.number().int().min(1).max(16).default(2),
      gutter: z.number().int().min(0).max(16).default(1),
      /** draw the axis values, the axis names and the row captions around the grid */
      labels: z.boolean().default(false),
      /** where to write it; without a path the PNG comes back in the result only */
      path: z.string().min(1).optional(),
      /** replace a file at path (browser mode refuses to without it) */
      overwrite: z.boolean().default(false),
    })
    .strict(),
  'export:metrics': z.object({ runId: id, path: z.string().min(1).optional(), overwrite: z.boolean().default(false) }).strict(),
  'export:model': z.object({ runId: id, path: z.string().min(1), overwrite: z.boolean().default(false) }).strict(),
  'export:animation': z
    .object({
      walk: walkSpecSchema,
      format: z.enum(animationFormats).default('gif'),
      fps: z.number().int().min(1).max(50).default(12),
      scale: z.number().int().min(1).max(16).default(4),
      /** where to write it; without a path the file comes back in the result only */
      path: z.string().min(1).optional(),
      /** replace a file already at path (else refused) */
      overwrite: z.boolean().default(false),
    })
    .strict(),

  // Shell methods: only the Electron door implements them (native dialogs).
  'dialog:openFolder': empty,
  'dialog:openFile': z
    .object({ filters: z.array(z.object({ name: z.string(), extensions: z.array(z.string()) })).optional() })
    .strict()
    .default({}),
  'dialog:saveFile': z.object({ defaultName: z.string().min(1) }).strict(),
} as const;

export type Method = keyof typeof argSchemas;
export const methodNames = Object.keys(argSchemas) as Method[];
export type ArgsIn<M extends Method> = z.input<(typeof argSchemas)[M]>;
export type ArgsOut<M extends Method> = z.output<(typeof argSchemas)[M]>;

export interface Results {
  'app:info': AppInfo;
  'datasets:list': DatasetInfo[];
  'datasets:probe': ProbeResult;
  'datasets:browse': BrowseResult;
  'datasets:import': { jobId: string };
  'datasets:skipped': SkippedFile[];
  'datasets:rename': DatasetInfo;
  'datasets:delete': { deleted: true };
  'runs:list': RunInfo[];
  'runs:get': RunInfo;
  'runs:metrics': MetricRow[];
  'runs:start': { jobId: string; runId: number };
  'runs:resume': { jobId: string; runId: number };
  'runs:rename': RunInfo;
  'runs:delete': { deleted: true };
  'runs:quality': RunQuality;
  'runs:export': RunBundleExport;
  'runs:import': { run: RunInfo; dataset: DatasetInfo };
  'jobs:list': JobProgress[];
  'jobs:cancel': { cancelled: boolean };
  'explore:dims': DimsResult;
  'explore:grid': Grid;
  'explore:encode': { mu: number[]; logvar: number[]; label: number };
  'explore:scatter': { x: number[]; y: number[]; labels: number[]; labelNames: string[]; dims: [number, number] };
  'explore:evaluate': Evaluation;
  'explore:outliers': { indices: number[]; scores: number[] };
  'export:grid': { path: string | null; png: Uint8Array; width: number; height: number };
  'export:metrics': { path: string | null; csv: string };
  'export:model': { path: string; files: string[] };
  'export:animation': AnimationExport;
  'dialog:openFolder': { path: string | null };
  'dialog:openFile': { path: string | null };
  'dialog:saveFile': { path: string | null };
}

/** The methods the service implements (the shell methods belong to the Electron door). */
export type ServiceMethod = Exclude<Method, `dialog:${string}`>;
export const isShellMethod = (m: string): boolean => m.startsWith('dialog:');

// ---------------------------------------------------------------- events

export interface Events {
  'job:progress': JobProgress;
  'job:finished': JobFinished;
  /** a training step (throttled) or an epoch of a run */
  'run:metric': { runId: number; row: MetricRow };
  'runs:changed': { runId?: number };
  'datasets:changed': { datasetId?: number };
  /** something the user should know about a run (e.g. a Bernoulli loss on grey images) */
  'run:warning': { runId: number; message: string };
  /** Electron only: a command from the app menu (import, export, ...) */
  'menu:command': MenuCommandEvent;
}
export type EventName = keyof Events;
/** The list in names.ts, which the compiler checks against Events in both directions. */
export const eventNames: readonly EventName[] = eventNameList;

// ---------------------------------------------------------------- the client side

/** What the renderer sees as window.api (Electron preload) or the WebSocket client. */
export type Api = {
  [M in Method]: (args?: ArgsIn<M>) => Promise<Result<Results[M]>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Electron only: the file-system path of a dropped File */
  pathForFile?(file: unknown): string | null;
  readonly door: 'electron' | 'browser';
};

/** Validate a call's arguments; the doors use it before calling the service. */
export function parseArgs<M extends Method>(method: M, args: unknown): Result<ArgsOut<M>> {
  const schema = argSchemas[method];
  if (!schema) return fail('unsupported', `unknown method "${String(method)}"`);
  const parsed = schema.safeParse(args ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'arguments';
    return fail('bad-args', `${method}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return ok(parsed.data as ArgsOut<M>);
}

export function isMethod(m: unknown): m is Method {
  return typeof m === 'string' && Object.prototype.hasOwnProperty.call(argSchemas, m);
}
