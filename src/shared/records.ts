// The records the contract's methods return and its events carry: plain types, no schemas,
// so any side (renderer, doors, core) reads them without zod. contract.ts re-exports them.
import type { TrainConfigParsed } from './contract';
import type { modelKinds } from './limits';
import type { PixelKind } from './train-defaults';

/** Images to draw: tiles [n, height, width, channels] uint8, laid out in `cols` columns. */
export interface Grid {
  n: number;
  cols: number;
  height: number;
  width: number;
  channels: 1 | 3;
  tiles: Uint8Array;
  /** sweep: the value of the x dim for each column, y dim for each row (top row first) */
  xValues?: number[];
  yValues?: number[];
  /** a caption per row (e.g. "input", "output", or class names) */
  rowLabels?: string[];
  /** what the x and y axes are, where they are not latent dimensions (e.g. "PC1 · 34%": its share of the variance) */
  axisNames?: [string, string];
  /** traversal: the latent dimension of each row, and the range its columns span */
  rowDims?: number[];
  rowRanges?: [number, number][];
  /** dataset image index per tile, where tiles are dataset images */
  indices?: number[];
  /** total matching images (dataset grids, for paging) */
  total?: number;
  /** label index per tile, where known */
  labels?: number[];
  /** a number per tile where it has one (e.g. the L2 distance of a nearest neighbour) */
  scores?: number[];
  /** a short note for the user (e.g. why a Bernoulli loss is not a likelihood here) */
  note?: string;
  /**
   * sweep with density: per cell (row-major, top row first) the density of the encoded training
   * set's aggregate posterior over the two swept dims and the prior's, and the share of the prior's
   * mass in the window where the data's density is under 1% of its peak (the holes)
   */
  density?: { data: number[]; prior: number[]; holeShare: number };
}

export interface AppInfo {
  version: string;
  /** what explore (encode, decode, grids) computes on */
  backend: string;
  backendDetail: string;
  /** what training runs on ("wasm · SIMD · 2 threads", "webgpu · NVIDIA ..."), and what would be faster */
  training?: {
    backend: string;
    detail: string;
    faster: { name: string; needs: string; why: string }[];
  };
  dataDir: string;
  door: 'electron' | 'browser' | 'cli';
  /** the PyTorch engine here, which a run can choose (absent where the door named the engine) */
  torch?: TorchInfo;
}

/** Whether PyTorch was found: its version and devices, or what to install and why it pays. */
export type TorchInfo =
  | { state: 'looking' }
  /** devices best first: "cuda:0 <name>", "mps", "cpu" */
  | { state: 'found'; version: string; python: string; devices: string[] }
  | { state: 'missing'; reason: string; install: string; worth: string };

export interface DatasetInfo {
  id: number;
  name: string;
  kind: 'folder' | 'idx' | 'mnist';
  source: string;
  createdAt: string;
  count: number;
  trainCount: number;
  testCount: number;
  height: number;
  width: number;
  channels: 1 | 3;
  labelNames: string[];
  labelCounts: number[];
  skippedCount: number;
  runCount: number;
  /** what the pixels are, measured at import (absent for a dataset imported before it was measured) */
  pixels?: PixelKind;
}

export interface SkippedFile {
  path: string;
  reason: string;
  detail: string;
}

export interface ProbeResult {
  path: string;
  files: number;
  imageFiles: number;
  gray: boolean;
  medianSide: number;
  /** the median of the shorter sides, which suggestedSide comes from */
  medianShortSide: number;
  suggestedSide: number;
  /** the labels the chosen source finds among the image files (natural order) */
  labels: string[];
  /** image files per label, in the order of labels */
  labelCounts: number[];
  /** image files the source gives no label */
  unlabeled: number;
  /** labels the default file-name rule would find (to suggest it for a flat folder) */
  nameLabels: number;
  /** the label pattern is invalid: what is wrong with it */
  labelError?: string;
  /** the look stopped at its bound (files or time) before it saw the whole folder */
  truncated?: boolean;
  /** non-square images: one of them (its size) squared by fit and by crop, to show the choice */
  resize?: { width: number; height: number; fit: Grid; crop: Grid };
  /** sampled files named as images that could not be read as one: how many of those sampled, the first and why */
  unreadable?: { count: number; of: number; file: string; reason: string };
  /** a few of the sampled images, small, to show what the import will bring in */
  thumbs?: Grid;
}

/** A folder on the server, for the import sheet's folder browser (datasets:browse). */
export interface BrowseResult {
  /** the folder listed, absolute */
  path: string;
  /** null at the root */
  parent: string | null;
  home: string;
  /** the server's path separator */
  sep: string;
  /** subfolders first, then files, natural order; hidden ones left out */
  entries: { name: string; dir: boolean }[];
  /** image files among the entries */
  images: number;
  /** more entries exist than came back (the limit or the time budget was reached) */
  truncated: boolean;
}

/** collapsed: trained to the end, but its code carries next to nothing (the reason is in `error`) */
export type RunStatus = 'queued' | 'running' | 'done' | 'cancelled' | 'failed' | 'interrupted' | 'collapsed';

export interface RunInfo {
  id: number;
  name: string;
  datasetId: number;
  datasetName: string;
  config: TrainConfigParsed;
  status: RunStatus;
  backend: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  epochsDone: number;
  bestHeldOut: number | null;
  /** the epoch whose checkpoint has the best held-out loss: the model a finished run is explored with */
  bestEpoch: number | null;
  lastHeldOut: number | null;
  seconds: number;
  /** the id of the job training it now, if any */
  jobId: string | null;
}

/** PSNR of a run's reconstructions at its latest checkpoint, and the image size (runs:quality). */
export interface RunQuality {
  runId: number;
  /** the checkpoint's epoch */
  epoch: number;
  /** test images measured (at most 1000) */
  images: number;
  /** values per image (height x width x channels), what bits per dimension divide by */
  dims: number;
  /** mean squared error on pixels in [0, 1]; null where the model decodes no images */
  mse: number | null;
  psnr: number | null;
}

/** A run written as a bundle by runs:export. */
export interface RunBundleExport {
  path: string | null;
  size: number;
  /** the checkpoint's epoch */
  epoch: number;
  metricEpochs: number;
  /** the file itself when no path was given */
  bytes: Uint8Array | null;
}

/** A trained model written by export:model: the app's format, TensorFlow.js and ONNX, a README. */
export interface ModelExport {
  /** the folder written; null when no path was given */
  path: string | null;
  /** the files written: absolute paths in path, else paths inside the zip */
  files: string[];
  /** without a path (browser mode, where a download is one file): the folder as one .zip */
  zip: { name: string; bytes: Uint8Array } | null;
}

export interface MetricRow {
  kind: 'step' | 'epoch';
  step: number;
  epoch: number;
  loss: number;
  recon: number;
  kl: number;
  heldOut: number | null;
  imagesPerSec: number | null;
}

export interface DimInfo {
  index: number;
  kl: number;
  variance: number;
}

export interface DimsResult {
  latent: number;
  /** sorted by KL, most informative first */
  dims: DimInfo[];
  activeUnits: number;
  /** the kind of model, so the view can offer its own panels */
  model: (typeof modelKinds)[number];
  labelNames: string[];
  /** test images the base picker can offer (dataset indices) */
  testIndices: number[];
  /** hvae: every level's size, KL (nats per image) and active units, bottom (z1) first */
  levels?: { level: number; latent: number; kl: number; activeUnits: number }[];
}

export interface Evaluation {
  runId: number;
  /** the epoch of the checkpoint evaluated (a finished run's best held-out one) */
  epoch?: number;
  images: number;
  elbo: number;
  iwae: number | null;
  k: number;
  mse: number;
  psnr: number;
  activeUnits: number;
  accuracy: number | null;
  /** vae and hvae: each latent level, bottom (z1) first: its share of the KL and its active units, units most KL first */
  levels?: { level: number; latent: number; kl: number; activeUnits: number; ranked: number[] }[];
  /** the linear baseline: PCA with as many components as the latent, fitted on training images, on the same test images */
  pca?: { components: number; trainImages: number; mse: number; psnr: number };
}

/** The encoded test set in 2-D: point i is test image indices[i], at (x[i], y[i]). */
export interface ScatterResult {
  x: number[];
  y: number[];
  labels: number[];
  labelNames: string[];
  /** the pair of latent dims asked for (the raw-dims view's axes) */
  dims: [number, number];
  /** the dataset index of each point, for a click that makes it the sweep's base */
  indices: number[];
  projection: 'dims' | 'pca' | 'umap';
  /** the axes' names: z3 and z7, PC1 · 60% and PC2 · 21% (in their sd), UMAP 1 and UMAP 2 */
  axisNames: [string, string];
  /** UMAP: the seed of the layout and the seconds it took (0 when it came from the cache) */
  seed?: number;
  seconds?: number;
  /** a CVAE with a learned prior p(z|y) (forms 1 and 4), on dims or PCA: each class's prior on the plotted axes */
  classPriors?: ClassPrior[];
}

/** A class's p(z|y) seen on a scatter's two axes: its mean and its covariance there (a Gaussian projects to one). */
export interface ClassPrior {
  label: number;
  mean: [number, number];
  /** [var x, cov xy, var y] in the axes' units (cov xy is 0 on two raw dims) */
  cov: [number, number, number];
}

/** import and train end on their own; probe and explore are waited for by their caller */
export type JobKind = 'import' | 'train' | 'probe' | 'explore';

export interface JobProgress {
  jobId: string;
  kind: JobKind;
  runId?: number;
  datasetId?: number;
  title: string;
  done: number;
  total: number;
  etaSec: number | null;
  rate: number | null;
  rateUnit: string;
  detail: string;
}

export interface JobFinished {
  jobId: string;
  kind: JobKind;
  runId?: number;
  datasetId?: number;
  status: 'done' | 'cancelled' | 'failed';
  message: string;
}

/** An animated walk as written by export:animation. */
export interface AnimationExport {
  path: string | null;
  format: 'gif' | 'webp';
  bytes: Uint8Array;
  frames: number;
  width: number;
  height: number;
  /** per frame as stored (GIF keeps hundredths of a second) */
  delayMs: number;
}
