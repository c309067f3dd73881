// The encoded test set as a scatter: on two latent dims, on the first two principal components
// of the codes (in their standard deviations around the codes' mean, the PCA sweep's units), or
// laid out by UMAP. A UMAP layout is a job (kind explore: listed, with progress, cancelled by
// jobs:cancel) computed in a worker thread, and kept per run checkpoint, points and seed, so the
// same run gives the same layout without computing it again. A CVAE with a learned prior
// (forms 1 and 4) adds each class's p(z|y) on the plotted axes (scatter-priors.ts).
import { AppFailure, type ArgsOut, type ClassPrior, type ScatterResult } from '../../../shared/contract';
import * as explore from '../explore';
import { umapInWorker, type UmapProgress } from '../explore/umap';
import type { Context } from './context';
import { latentWidth, withModel } from './loaded';
import { testCodeAxes } from './ranking';
import { classPriorsOn } from './scatter-priors';
import { gather, testIndices } from './selection';

/** Layouts kept per service: a few runs' worth (10 000 points are 80 kB). */
const KEEP_LAYOUTS = 8;
const layouts = new WeakMap<Context, Map<string, Promise<{ xy: Float32Array; seconds: number }>>>();

interface Codes {
  mu: Float32Array;
  latent: number;
  indices: number[];
  labels: number[];
  labelNames: string[];
  dims: [number, number];
  key: string;
  pcs?: Projected;
  /** forms 1 and 4 of the CVAE: each class's p(z|y) on the plotted axes */
  classPriors?: ClassPrior[];
}

type Projected = { x: number[]; y: number[]; axisNames: [string, string] };

export async function scatter(ctx: Context, a: ArgsOut<'explore:scatter'>): Promise<ScatterResult> {
  const c = await withModel(ctx, a.runId, (m): Codes => {
    const indices = testIndices(m.data, a.limit);
    const { pixels, labels } = gather(m.data, indices);
    const latent = latentWidth(m.run, m.model, undefined);
    const dims = a.dims ?? [0, Math.min(1, latent - 1)];
    for (const d of dims) if (d >= latent) throw new AppFailure('bad-args', `dims: ${d} is not a latent dimension (0..${latent - 1})`);
    const mu = explore.encodeImages(m.model, pixels, m.run.config.model === 'cvae' ? labels : undefined).mu;
    const pca = a.projection === 'pca' ? testCodeAxes(m, undefined, latent) : undefined;
    const pcs = pca ? onPcs(mu, indices.length, pca) : undefined;
    const classPriors = a.projection === 'umap' ? undefined : classPriorsOn(m.model, pca ? { kind: 'pca', pca } : { kind: 'dims', dims });
    const key = `${m.run.id}:${m.epoch}:${indices.length}:${a.seed}`;
    return { mu, latent, indices, labels: Array.from(labels), labelNames: m.data.labelNames, dims, key, pcs, classPriors };
  });
  const common = { labels: c.labels, labelNames: c.labelNames, dims: c.dims, indices: c.indices, projection: a.projection };
  if (a.projection === 'umap') {
    const { xy, seconds } = await umapOf(ctx, a.runId, c, a.seed);
    const x = Array.from({ length: c.indices.length }, (_, i) => xy[2 * i]!);
    const y = Array.from({ length: c.indices.length }, (_, i) => xy[2 * i + 1]!);
    return { ...common, x, y, axisNames: ['UMAP 1', 'UMAP 2'], seed: a.seed, seconds };
  }
  const priors = c.classPriors ? { classPriors: c.classPriors } : {};
  if (c.pcs) return { ...common, ...c.pcs, ...priors };
  const [dx, dy] = c.dims;
  const x = Array.from({ length: c.indices.length }, (_, i) => c.mu[i * c.latent + dx]!);
  const y = Array.from({ length: c.indices.length }, (_, i) => c.mu[i * c.latent + dy]!);
  return { ...common, x, y, axisNames: [`z${dx}`, `z${dy}`], ...priors };
}

/** The codes on PC1 and PC2 of the encoded test means, in each one's sd around their mean. */
function onPcs(mu: Float32Array, n: number, pca: ReturnType<typeof testCodeAxes>): Projected {
  const L = pca.mean.length;
  const along = (k: number): number[] => {
    const v = pca.axes[k] ?? new Float64Array(L);
    const sd = Math.sqrt(pca.variance[k] ?? 0) || 1;
    return Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let d = 0; d < L; d++) s += (mu[i * L + d]! - pca.mean[d]!) * v[d]!;
      return s / sd;
    });
  };
  const name = (k: number): string => `PC${k + 1} · ${Math.round((pca.share[k] ?? 0) * 100)}%`;
  return { x: along(0), y: along(1), axisNames: [name(0), name(1)] };
}

/** The kept layout, the one being computed, or a new job that computes it. */
function umapOf(ctx: Context, runId: number, c: Codes, seed: number): Promise<{ xy: Float32Array; seconds: number }> {
  let kept = layouts.get(ctx);
  if (!kept) layouts.set(ctx, (kept = new Map()));
  const hit = kept.get(c.key);
  if (hit) return hit.then((r) => ({ xy: r.xy, seconds: 0 }));
  const n = c.indices.length;
  const t0 = Date.now();
  const job = ctx.jobs.run(
    'explore',
    `UMAP of ${n.toLocaleString('en-US')} codes`,
    { runId },
    ({ signal, progress }) =>
      umapInWorker(
        c.mu,
        n,
        c.latent,
        { seed },
        (p: UmapProgress) =>
          progress(
            p.phase === 'neighbours'
              ? { done: 0, total: 1, detail: 'finding neighbours' }
              : {
                  done: p.done,
                  total: p.total,
                  rate: p.done / Math.max(0.001, (Date.now() - t0) / 1000),
                  rateUnit: 'epochs/s',
                  detail: `epoch ${p.done} of ${p.total}`,
                },
          ),
        signal,
      ),
    () => `${n} points laid out in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  const entry = job.then((xy) => ({ xy, seconds: (Date.now() - t0) / 1000 }));
  kept.set(c.key, entry);
  // a failed or cancelled layout is not kept; the oldest goes past KEEP_LAYOUTS
  entry.catch(() => kept.get(c.key) === entry && kept.delete(c.key));
  if (kept.size > KEEP_LAYOUTS) kept.delete(kept.keys().next().value!);
  return entry;
}
