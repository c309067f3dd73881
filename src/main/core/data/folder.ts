// Image folder import: recursive scan, first-level subfolder = label, bounded-concurrency decode,
// per-file skip reasons, throttled progress, cancel.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, relative, sep } from 'node:path';
import type { Dataset } from '../types.js';
import { decodeImage, probeImage, sniffFormat, IMAGE_EXTENSIONS, SkipError } from './decode.js';
import { countLabels, defaultNameLabel, labelRule, type LabelSource } from './label-source.js';
import { median, resizePreview, suggestSide } from './probe-extras.js';
import { stratifiedSplit } from './split.js';
import type { ProbeResult } from '../../../shared/contract';
import { abortError, naturalCompare, scanFolder, type ScanBounds, type ScannedFile } from './scan.js';

export { scanFolder, type ScanBounds, type ScannedFile, type ScanResult } from './scan.js';

export interface ImportProgress {
  /** entries found so far (files, plus unreadable entries) */
  scanned: number;
  decoded: number;
  skipped: number;
  total: number;
}

export interface FolderImportOptions {
  color: 'gray' | 'rgb' | 'auto';
  side: number;
  resize: 'fit' | 'crop';
  /** share of each label sent to test (default 0.1) */
  testShare: number;
  seed: number;
  /** decodes in flight (default 3) */
  concurrency?: number;
  /** where labels come from (default: the first-level subfolders) */
  labels?: LabelSource;
}

export interface SkippedFile {
  path: string;
  reason: string;
  detail: string;
}

export interface FolderImportResult {
  dataset: Dataset;
  /** one per kept image, in dataset order */
  files: { path: string; label: number }[];
  skipped: SkippedFile[];
}

async function readHead(path: string, bytes = 512): Promise<Uint8Array | null> {
  try {
    // O_NONBLOCK and a kind check: a FIFO swapped in after the scan must not block
    const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      if (!(await fh.stat()).isFile()) return null;
      const buf = Buffer.alloc(bytes);
      const { bytesRead } = await fh.read(buf, 0, bytes, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

async function looksLikeImage(path: string): Promise<boolean> {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext && IMAGE_EXTENSIONS.has(ext)) return true;
  const head = await readHead(path);
  return !!head && sniffFormat(head).kind === 'image';
}

/** What a quick look at a folder finds: the contract's ProbeResult without the path.
 *  gray: every sampled image is gray; medianSide: of the longer side; suggestedSide: from the
 *  median shorter side (see suggestSide). */
export type FolderProbe = Omit<ProbeResult, 'path'>;

/** A quick look (up to `sample` images spread over the folder) to prefill the import dialog;
 *  the labels are those `labels` finds (a bad pattern is reported in labelError). */
export async function probeFolder(
  root: string,
  sample = 50,
  signal?: AbortSignal,
  labels?: LabelSource,
  bounds?: ScanBounds,
): Promise<FolderProbe> {
  const { files, truncated } = await scanFolder(root, signal, undefined, bounds);
  let labelError: string | undefined;
  try {
    relabel(files, labels);
  } catch (e) {
    labelError = (e as Error).message;
    relabel(files, { from: 'none' });
  }
  const probe = { ...(await probeFiles(files, sample, signal, true)), ...(truncated ? { truncated } : {}) };
  return labelError ? { ...probe, labelError } : probe;
}

/** Applies a label source to scanned files in place (scanFolder gives the subfolder). */
function relabel(files: ScannedFile[], source: LabelSource | undefined): void {
  const rule = labelRule(source);
  for (const f of files) f.labelName = rule(f.path, f.labelName);
}

async function probeFiles(files: ScannedFile[], sample: number, signal?: AbortSignal, preview = false): Promise<FolderProbe> {
  const images: ScannedFile[] = [];
  for (const f of files) {
    if (signal?.aborted) throw abortError(signal);
    if (await looksLikeImage(f.path)) images.push(f);
  }
  const { labels, counts, unlabeled } = countLabels(
    images.map((f) => f.labelName),
    naturalCompare,
  );
  const nameLabels = new Set(images.map((f) => defaultNameLabel(basename(f.path))).filter((l) => l !== null)).size;
  const step = Math.max(1, images.length / sample);
  const sides: number[] = [];
  const shortSides: number[] = [];
  let nonSquare: { path: string; width: number; height: number } | null = null;
  let gray = true;
  for (let k = 0; k < Math.min(sample, images.length); k++) {
    if (signal?.aborted) throw abortError(signal);
    try {
      const info = await probeImage(images[Math.floor(k * step)]!.path);
      sides.push(Math.max(info.width, info.height));
      shortSides.push(Math.min(info.width, info.height));
      if (!nonSquare && info.width !== info.height) nonSquare = { path: images[Math.floor(k * step)]!.path, ...info };
      gray &&= info.gray;
    } catch {
      // a bad file says nothing about the folder
    }
  }
  const medianSide = median(sides);
  const resize = preview && nonSquare ? await resizeSample(nonSquare, gray) : undefined;
  return {
    files: files.length,
    imageFiles: images.length,
    gray: sides.length > 0 ? gray : true,
    medianSide,
    medianShortSide: median(shortSides),
    suggestedSide: suggestSide(median(shortSides)),
    labels,
    labelCounts: counts,
    unlabeled,
    nameLabels,
    ...(resize ? { resize } : {}),
  };
}

async function resizeSample(img: { path: string; width: number; height: number }, gray: boolean): Promise<ProbeResult['resize']> {
  try {
    return { width: img.width, height: img.height, ...(await resizePreview(img.path, gray)) };
  } catch {
    return undefined; // the thumbnails only explain; the probe stands without them
  }
}

export async function importFolder(
  root: string,
  opts: FolderImportOptions,
  onProgress?: (p: ImportProgress) => void,
  signal?: AbortSignal,
): Promise<FolderImportResult> {
  const { side } = opts;
  if (!(Number.isInteger(side) && side >= 1 && side <= 1024))
    throw new Error(`importFolder: side must be an integer in 1..1024, got ${side}`);
  const testShare = opts.testShare ?? 0.1;
  if (!(testShare >= 0 && testShare < 1)) throw new Error(`importFolder: testShare must be in [0, 1), got ${testShare}`);
  const concurrency = Math.max(1, Math.min(8, opts.concurrency ?? 3));

  const progress: ImportProgress = { scanned: 0, decoded: 0, skipped: 0, total: 0 };
  let lastEmit = 0;
  const emit = (force = false) => {
    if (!onProgress) return;
    const now = performance.now();
    if (!force && now - lastEmit < 100) return;
    lastEmit = now;
    onProgress({ ...progress });
  };

  const scan = await scanFolder(root, signal, (count) => {
    progress.scanned = count;
    emit();
  });
  const skipped: SkippedFile[] = scan.errors.map((e) => ({ ...e }));
  const files = scan.files;
  relabel(files, opts.labels);
  // unreadable entries count as scanned and skipped, so decoded + skipped reaches total
  progress.scanned = files.length + skipped.length;
  progress.total = progress.scanned;
  progress.skipped = skipped.length;
  emit(true);

  let color: 'gray' | 'rgb';
  if (opts.color === 'auto') {
    color = (await probeFiles(files, 50, signal)).gray ? 'gray' : 'rgb';
  } else {
    color = opts.color;
  }
  const c = color === 'gray' ? 1 : 3;
  const decodeOpts = { side, color, resize: opts.resize } as const;

  // slot per scanned file, so the dataset order is the scan order whatever finishes first
  const tiles: (Uint8Array | null)[] = new Array(files.length).fill(null);
  const failures: (SkippedFile | null)[] = new Array(files.length).fill(null);
  let next = 0;
  let aborted = false;
  async function worker(): Promise<void> {
    while (!aborted) {
      if (signal?.aborted) {
        aborted = true;
        return;
      }
      const i = next++;
      if (i >= files.length) return;
      try {
        tiles[i] = await decodeImage(files[i]!.path, decodeOpts);
        progress.decoded++;
      } catch (e) {
        if (e instanceof SkipError) {
          failures[i] = { path: files[i]!.path, reason: e.reason, detail: e.detail };
        } else {
          // anything unexpected is still one file's problem, not the import's
          failures[i] = { path: files[i]!.path, reason: 'corrupt', detail: String((e as Error)?.message ?? e) };
        }
        progress.skipped++;
      }
      emit();
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, files.length)) }, worker));
  if (signal?.aborted) throw abortError(signal);
  for (const f of failures) if (f) skipped.push(f);

  // labels from the images that were kept, so a folder holding only junk adds no empty label
  const kept: number[] = [];
  for (let i = 0; i < files.length; i++) if (tiles[i]) kept.push(i);
  const labelNames = [...new Set(kept.map((i) => files[i]!.labelName).filter((l): l is string => l !== null))].sort(naturalCompare);
  const labelIndex = new Map(labelNames.map((l, i) => [l, i]));

  const n = kept.length;
  const size = side * side * c;
  const pixels = new Uint8Array(n * size);
  const labels = new Int32Array(n);
  const outFiles: FolderImportResult['files'] = [];
  kept.forEach((i, k) => {
    pixels.set(tiles[i] as Uint8Array, k * size);
    tiles[i] = null;
    const ln = files[i]!.labelName;
    labels[k] = ln === null ? -1 : (labelIndex.get(ln) as number);
    outFiles.push({ path: files[i]!.path, label: labels[k] });
  });
  const split = stratifiedSplit(labels, testShare, opts.seed);
  emit(true);
  return {
    dataset: { n, height: side, width: side, channels: c as 1 | 3, pixels, labels, split, labelNames },
    files: outFiles,
    skipped,
  };
}

/** Path relative to the import root, with forward slashes (for display and the store). */
export function relativeImportPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
