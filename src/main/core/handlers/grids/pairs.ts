// The grids that pair things up: interpolation strips between two images or two latent points
// (optionally one row per compared run), and prior samples above their nearest training images.
import { AppFailure, type Grid, type GridSpecParsed } from '../../../../shared/contract';
import * as explore from '../../explore';
import type { Dataset } from '../../types';
import type { Context } from '../context';
import type { ModelGrid } from './model-grid';
import { latentWidth, withModel } from '../loaded';
import { checkIndex, concatBytes, gather, needImages } from '../selection';

type Spec<K extends GridSpecParsed['kind']> = Extract<GridSpecParsed, { kind: K }>;

const rowLabel = (m: { run: { id: number; config: { model: string } } }): string => `${m.run.config.model.toUpperCase()} · run ${m.run.id}`;

export async function interpolateGrid(spec: Spec<'interpolate'>, m: ModelGrid, ctx: Context): Promise<Grid> {
  if (spec.za || spec.zb) return latentStrip(spec, m);
  if (spec.a === undefined || spec.b === undefined)
    throw new AppFailure('bad-args', 'a and b: give two image indices, or two latent points za and zb');
  const [ia, ib] = [spec.a, spec.b];
  checkIndex(m.data, ia);
  checkIndex(m.data, ib);
  const strips: Uint8Array[] = [];
  const rowLabels: string[] = [];
  const strip = (o: { run: ModelGrid['run']; model: ModelGrid['model']; data: Dataset }): void => {
    if (o.data.height !== m.data.height || o.data.width !== m.data.width || o.data.channels !== m.data.channels) {
      throw new AppFailure('bad-input', `run ${o.run.id} was trained on images of another size; compare runs of the same dataset`);
    }
    const cv = o.run.config.model === 'cvae';
    const { pixels, labels } = gather(m.data, [ia, ib]);
    const e = explore.encodeImages(o.model, pixels, cv ? labels : undefined);
    const d = e.mu.length / 2;
    strips.push(explore.interpolate(o.model, e.mu.slice(0, d), e.mu.slice(d), spec.steps, spec.mode, cv ? m.data.labels[ia] : undefined));
    rowLabels.push(rowLabel(o));
  };
  strip(m);
  if (spec.compareRunId && spec.compareRunId !== spec.runId) await withModel(ctx, spec.compareRunId, strip);
  else if (spec.compareRunId) strip(m);
  return {
    ...m.tile,
    n: spec.steps * strips.length,
    cols: spec.steps,
    tiles: concatBytes(strips),
    rowLabels,
    indices: [ia, ib],
    note: m.note,
  };
}

/** Between two points of the latent space (two cells of a sweep): one model only. */
function latentStrip(spec: Spec<'interpolate'>, m: ModelGrid): Grid {
  if (!spec.za || !spec.zb) throw new AppFailure('bad-args', 'za and zb: give both ends, or image indices a and b');
  if (spec.compareRunId)
    throw new AppFailure('bad-args', 'compareRunId: two runs have different latent spaces; compare them between two images (a and b)');
  const latent = latentWidth(m.run, m.model, spec.level);
  for (const [k, z] of [
    ['za', spec.za],
    ['zb', spec.zb],
  ] as const) {
    if (z.length !== latent)
      throw new AppFailure('bad-args', `${k}: expected ${latent} values (one per latent dimension), got ${z.length}`);
  }
  const tiles = explore.interpolate(
    m.model,
    Float32Array.from(spec.za),
    Float32Array.from(spec.zb),
    spec.steps,
    spec.mode,
    m.isCvae ? 0 : undefined,
    spec.level,
  );
  return { ...m.tile, n: spec.steps, cols: spec.steps, tiles, rowLabels: [rowLabel(m)], note: m.note };
}

/** The training images as one contiguous block, kept per dataset: every reseed of the nearest view scans it. */
const trainSets = new WeakMap<Dataset, { indices: number[]; pixels: Uint8Array }>();

function trainSet(data: Dataset): { indices: number[]; pixels: Uint8Array } {
  let t = trainSets.get(data);
  if (!t) {
    const indices: number[] = [];
    for (let i = 0; i < data.n; i++) if (data.split[i] === 0) indices.push(i);
    t = { indices, pixels: gather(data, indices).pixels };
    trainSets.set(data, t);
  }
  return t;
}

export function nearestGrid(a: Spec<'nearest'>, m: ModelGrid): Grid {
  const { data } = m;
  needImages(m, 'nearest training images need');
  const samples = explore.samplePrior(m.model, a.n, a.seed, m.isCvae ? (a.label ?? 0) : undefined);
  const { indices: trainIdx, pixels: train } = trainSet(data);
  const size = data.height * data.width * data.channels;
  const nearest = new Uint8Array(samples.length);
  const indices: number[] = [];
  const scores: number[] = [];
  for (let k = 0; k < a.n; k++) {
    const hit = explore.nearestTraining(train, trainIdx.length, samples.subarray(k * size, (k + 1) * size), 1);
    const at = hit.indices[0]!;
    nearest.set(train.subarray(at * size, (at + 1) * size), k * size);
    indices.push(trainIdx[at]!);
    scores.push(hit.distances[0]! / 255 / Math.sqrt(size));
  }
  return {
    ...m.tile,
    n: a.n * 2,
    cols: a.n,
    tiles: concatBytes([samples, nearest]),
    rowLabels: ['sample', 'nearest'],
    indices,
    scores,
    note: 'distance = root mean square pixel difference in 0..1; near 0 means the sample copies a training image',
  };
}
