// What the traversal and the sweep read from the encoded test set: the dimensions ranked by KL
// (or the ranking a bundle brought, for a run without its images) and their ranges, kept per
// loaded model so a control that moves does not encode the test set again.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppFailure, type DimsResult } from '../../../shared/contract';
import * as explore from '../explore';
import { principalAxes, type CodeAxes } from '../explore/code-axes';
import { codeStats, rangeOf, type DimStats, type RangeKind } from '../explore/ranges';
import { BUNDLE_DIMS } from '../export/bundle';
import { readOwnText } from '../data/own-file';
import { levelReport } from '../explore/levels';
import type { Level } from '../explore/tensors';
import type { LoadedModel } from '../train';
import type { Context } from './context';
import type { RunModel } from './loaded';
import { gather, needImages, testIndices } from './selection';

export type Ranking = Omit<DimsResult, 'testIndices'>;

/** The test images the figures are measured on. */
const TEST_IMAGES = 1000;

export async function ranking(ctx: Context, m: RunModel, level: Level): Promise<Ranking> {
  // a run from a bundle: ranked where its images were
  if (m.data.n === 0) return storedRanking(join(ctx.dataDir, m.run.dir, BUNDLE_DIMS), level);
  const { pixels, labels } = gather(m.data, testIndices(m.data, TEST_IMAGES));
  const k = explore.perDimensionKl(m.model, pixels, m.run.config.model === 'cvae' ? labels : undefined, level);
  const dims = k.kl
    .map((kl, index) => ({ index, kl, variance: k.muVariance[index] ?? 0 }))
    .sort((x, y) => y.kl - x.kl || y.variance - x.variance);
  const r: Ranking = { latent: k.kl.length, dims, activeUnits: k.activeUnits, model: m.run.config.model, labelNames: m.data.labelNames };
  // hvae: every level's share of the KL and active units, so the view can count them per level
  if (m.run.config.model === 'hvae')
    r.levels = levelReport(m.model, pixels).map(({ level, latent, kl, activeUnits }) => ({ level, latent, kl, activeUnits }));
  return r;
}

async function storedRanking(file: string, level: Level): Promise<Ranking> {
  const dims = existsSync(file) ? (JSON.parse(await readOwnText(file, 64 * 1024 ** 2)) as Record<string, Ranking>)[level] : undefined;
  if (!dims) throw new AppFailure('bad-input', 'this run has no images to rank its dimensions on (its dataset is empty)');
  return dims;
}

interface TestCodes {
  mu: Float32Array;
  n: number;
  labels: Int32Array;
  stats?: DimStats[];
  axes?: CodeAxes;
}

const codesCache = new WeakMap<LoadedModel, Map<number, TestCodes>>();

/** The encoded test means [n, L] of a level, encoded once per loaded model. */
export function testCodes(m: RunModel, level: Level | undefined, what: string): TestCodes {
  needImages(m, what);
  let byLevel = codesCache.get(m.model);
  if (!byLevel) codesCache.set(m.model, (byLevel = new Map()));
  let c = byLevel.get(level ?? 1);
  if (!c) {
    const idx = testIndices(m.data, TEST_IMAGES);
    const { pixels, labels } = gather(m.data, idx);
    c = { mu: explore.encodeImages(m.model, pixels, m.run.config.model === 'cvae' ? labels : undefined, level).mu, n: idx.length, labels };
    byLevel.set(level ?? 1, c);
  }
  return c;
}

/** One range per latent dimension of the level. */
export function dataRanges(m: RunModel, level: Level | undefined, kind: RangeKind, latent: number): [number, number][] {
  if (kind === 'prior') return Array.from({ length: latent }, () => [-3, 3]);
  const c = testCodes(m, level, '+-2 sd and min..max ranges come from the encoded test images and need');
  c.stats ??= codeStats(c.mu, c.n, latent);
  return c.stats.map((s) => rangeOf(kind, s));
}

/** The principal axes of the level's encoded test means. */
export function testCodeAxes(m: RunModel, level: Level | undefined, latent: number): CodeAxes {
  const c = testCodes(m, level, 'principal components come from the encoded test images and need');
  c.axes ??= principalAxes(c.mu, c.n, latent);
  return c.axes;
}
