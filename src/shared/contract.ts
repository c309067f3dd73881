// The one contract between the renderer and the service. Three doors implement the
// transport (Electron IPC, the browser-mode WebSocket bridge, the CLI calls the service
// directly); none of them adds logic. No electron, no node:*, no DOM in this file.
import { z } from 'zod';
import type { MenuCommandEvent } from './menu';
import { eventNameList } from './names';
import { fail, ok, type Result } from './result';

// ---------------------------------------------------------------- results and errors

// Defined zod-free in result.ts so the renderer can import them without the schemas.
export { AppFailure, fail, ok, type AppError, type ErrorCode, type Result } from './result';
import { quoteInput } from './result';

// ---------------------------------------------------------------- building blocks

// The train config, grid and walk schemas live in schemas.ts.
export * from './schemas';
import {
  backendPrefs,
  id,
  latentLevel,
  torchChoiceSchema,
  trainConfigSchema,
  gridSpecSchema,
  walkSpecSchema,
  animationFormats,
} from './schemas';
import { SCATTER_MAX } from './limits';

export { activations, cvaeForms, families, likelihoods, modelKinds, noiseKinds, objectives } from './limits';

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
  ScatterResult,
  RunBundleExport,
  ModelExport,
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

/** backend webgpu-browser: the claim of the trainer a tab opened (a dedicated worker on its WebGPU) */
const trainerClaim = z
  .string()
  .regex(/^[A-Za-z0-9-]{16,64}$/, 'a trainer claim is 16 to 64 letters, digits or dashes')
  .optional();
/** webgpu-browser trains in the tab that asks: the claim comes with that backend, and only with it */
const namesItsTrainer = (a: { backend?: string; browserTrainer?: string }): boolean =>
  (a.backend === 'webgpu-browser') === (a.browserTrainer !== undefined);
const trainerRule = {
  message: 'webgpu-browser trains in the tab that asks for it: give the claim of the trainer it opened, and only with that backend',
  path: ['browserTrainer'],
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
  /** the new name of every label, in order: a changed name renames it, equal names merge them */
  'datasets:relabel': z
    .object({ datasetId: id, names: z.array(z.string().trim().min(1, 'a label needs a name').max(100)).max(100_000) })
    .strict(),
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
      /** backend torch: its device and processes */
      torch: torchChoiceSchema.optional(),
      /** backend webgpu-browser: the claim of the trainer this tab opened (a dedicated worker on its WebGPU) */
      browserTrainer: trainerClaim,
    })
    .strict()
    .refine(namesItsTrainer, trainerRule),
  /**
   * fromEpoch: start from the checkpoint of that epoch (one the run keeps), not the newest;
   * backend: what trains on (default: a torch run goes on in torch, any other as runs start)
   */
  'runs:resume': z
    .object({
      runId: id,
      fromEpoch: z.number().int().min(1).optional(),
      backend: z.enum(backendPrefs).optional(),
      torch: torchChoiceSchema.optional(),
      /** backend webgpu-browser: the claim of the trainer the resuming tab opened */
      browserTrainer: trainerClaim,
    })
    .strict()
    .refine(namesItsTrainer, trainerRule),
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

  /** HVAE: level t ranks z_t (the top against N(0, I), a middle level against p(z_t|z_{t+1})) */
  'explore:dims': z.object({ runId: id, level: latentLevel.default(1) }).strict(),
  'explore:grid': gridSpecSchema,
  'explore:encode': z.object({ runId: id, index: z.number().int().min(0), level: latentLevel.default(1) }).strict(),
  /** the encoded test set on two dims, on PC1 x PC2 (in their sd) or laid out by UMAP (a job, seeded) */
  'explore:scatter': z
    .object({
      runId: id,
      dims: z.tuple([z.number().int().min(0), z.number().int().min(0)]).optional(),
      limit: z.number().int().min(10).max(SCATTER_MAX).default(2000),
      projection: z.enum(['dims', 'pca', 'umap']).default('dims'),
      seed: z.number().int().min(0).max(0x7fffffff).default(0),
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
      /** replace a file or link at path (refused without it, unless the desktop app's save dialog chose the path) */
      overwrite: z.boolean().default(false),
    })
    .strict(),
  'export:metrics': z.object({ runId: id, path: z.string().min(1).optional(), overwrite: z.boolean().default(false) }).strict(),
  /** a folder for the model; without a path the folder comes back as one .zip in the result */
  'export:model': z.object({ runId: id, path: z.string().min(1).optional(), overwrite: z.boolean().default(false) }).strict(),
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
  'datasets:relabel': DatasetInfo;
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
  'explore:scatter': ScatterResult;
  'explore:evaluate': Evaluation;
  'explore:outliers': { indices: number[]; scores: number[] };
  'export:grid': { path: string | null; png: Uint8Array; width: number; height: number };
  'export:metrics': { path: string | null; csv: string };
  'export:model': ModelExport;
  'export:animation': AnimationExport;
  'dialog:openFolder': { path: string | null };
  'dialog:openFile': { path: string | null };
  'dialog:saveFile': { path: string | null };
}

/** The methods the service implements (the shell methods belong to the Electron door). */
export type ServiceMethod = Exclude<Method, `dialog:${string}`>;

/** What the service implements: one handler per method, taking the parsed arguments. */
export type Handlers = {
  [M in ServiceMethod]: (args: ArgsOut<M>) => Promise<Results[M]>;
};
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
  if (!schema) return fail('unsupported', `unknown method ${quoteInput(method)}`);
  const parsed = schema.safeParse(args ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // a key of the caller's (an unknown field, its path) is theirs: quoted short, not echoed whole
    const where = issue?.path.length
      ? issue.path.map((k) => (typeof k === 'string' && k.length > 40 ? quoteInput(k, 40) : String(k))).join('.')
      : 'arguments';
    const message =
      issue?.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys
            .slice(0, 5)
            .map((k) => quoteInput(k, 40))
            .join(', ')}`
        : (issue?.message ?? 'invalid');
    return fail('bad-args', `${method}: ${where}: ${message}`);
  }
  return ok(parsed.data as ArgsOut<M>);
}

export function isMethod(m: unknown): m is Method {
  return typeof m === 'string' && Object.prototype.hasOwnProperty.call(argSchemas, m);
}
