// Every grid the app draws, as a map from the spec's kind to its builder. A builder of a run's
// grid gets the run's model and dataset leased for the call (see loaded.ts).
import { AppFailure, type Grid, type GridSpecParsed } from '../../../../shared/contract';
import * as explore from '../../explore';
import type { Dataset } from '../../types';
import type { Context } from '../context';
import { interpolateGrid, nearestGrid } from './pairs';
import { analogyGrid, attributeGrid } from './attribute';
import { DEFAULT_COMPONENTS, densityField, mixtureSamples } from './mixture';
import { pcaSweepGrid } from './pca';
import { traverseGrid } from './traverse';
import { labelBlindNote, labelDependence } from '../../explore/label-dependence';
import { latentWidth, withModel, withPixels } from '../loaded';
import { baseVector, modelGrid, shrunkTile, sweepShrink, type ModelGrid } from './model-grid';
import { dataRanges } from '../ranking';
import { checkIndex, concatBytes, gather, needImages, testIndices } from '../selection';
import { addStage } from '../../timing';

type Kind = GridSpecParsed['kind'];
type Spec<K extends Kind> = Extract<GridSpecParsed, { kind: K }>;
type RunKind = Exclude<Kind, 'dataset'>;

type ModelBuilder<K extends RunKind> = (spec: Spec<K>, m: ModelGrid, ctx: Context) => Grid | Promise<Grid>;

function onModel<K extends RunKind>(build: ModelBuilder<K>): (ctx: Context, spec: Spec<K>) => Promise<Grid> {
  return (ctx, spec) => {
    const t = performance.now();
    return withModel(ctx, (spec as { runId: number }).runId, (m) => {
      // finding the run, its checkpoint and the leased model and pixels (timing.ts)
      addStage('lease', performance.now() - t);
      return build(spec, modelGrid(m), ctx);
    });
  };
}

const builders: { [K in Kind]: (ctx: Context, spec: Spec<K>) => Promise<Grid> } = {
  sweep: onModel(sweepGrid),
  traverse: onModel(traverseGrid),
  attribute: onModel(attributeGrid),
  analogy: onModel(analogyGrid),
  samples: onModel(samplesGrid),
  reconstruct: onModel(reconstructGrid),
  interpolate: onModel(interpolateGrid),
  classes: onModel(classesGrid),
  nearest: onModel(nearestGrid),
  dataset: (ctx, spec) => withPixels(ctx, spec.datasetId, (data) => datasetGrid(spec, data)),
};

export function buildGrid(ctx: Context, spec: GridSpecParsed): Promise<Grid> {
  return (builders[spec.kind] as (ctx: Context, spec: GridSpecParsed) => Promise<Grid>)(ctx, spec);
}

async function sweepGrid(spec: Spec<'sweep'>, m: ModelGrid): Promise<Grid> {
  if (spec.axes === 'pca' && spec.density)
    throw new AppFailure('bad-args', 'density: drawn over two latent dimensions, not principal components');
  if (spec.axes === 'pca') return pcaSweepGrid(spec, m);
  const latent = latentWidth(m.run, m.model, spec.level);
  for (const d of spec.dims)
    if (d >= latent) throw new AppFailure('bad-args', `dims: ${d} is not a latent dimension (this run has ${latent}: 0..${latent - 1})`);
  const label = m.isCvae ? (spec.label ?? 0) : undefined;
  const base = baseVector(spec.base, latent, m, spec.level, label);
  // each axis over its own dimension's data range, when asked for
  const ranges = spec.rangeFrom ? dataRanges(m, spec.level, spec.rangeFrom, latent) : null;
  const g = explore.sweepGrid(m.model, {
    dims: spec.dims,
    range: ranges ? ranges[spec.dims[0]]! : spec.range,
    yRange: ranges ? ranges[spec.dims[1]]! : undefined,
    grid: spec.grid,
    spacing: spec.spacing,
    base,
    label,
    level: spec.level,
    shrink: sweepShrink(spec, m),
  });
  const density = spec.density ? densityField(m, spec.level, spec.dims, g.xValues, g.yValues) : undefined;
  return {
    ...shrunkTile(m, spec),
    n: spec.grid * spec.grid,
    cols: spec.grid,
    tiles: g.tiles,
    xValues: g.xValues,
    yValues: g.yValues,
    note: m.note,
    density,
  };
}

function samplesGrid(spec: Spec<'samples'>, m: ModelGrid): Grid {
  const { tiles, note } =
    spec.from === 'mixture'
      ? mixtureSamples(m, spec.n, spec.seed, spec.components ?? DEFAULT_COMPONENTS, m.isCvae ? (spec.label ?? 0) : undefined)
      : { tiles: explore.samplePrior(m.model, spec.n, spec.seed, m.isCvae ? (spec.label ?? 0) : undefined), note: m.note };
  // wide rather than square: 32 draws as 4 rows of 8 fit under the sweep
  return { ...m.tile, n: spec.n, cols: Math.min(spec.n, Math.max(8, Math.ceil(Math.sqrt(spec.n)))), tiles, note };
}

function reconstructGrid(spec: Spec<'reconstruct'>, m: ModelGrid): Grid {
  needImages(m, 'reconstructions need');
  const idx = testIndices(m.data, spec.offset + spec.n).slice(spec.offset, spec.offset + spec.n);
  const { pixels, labels } = gather(m.data, idx);
  const r = explore.reconstruct(m.model, pixels, m.isCvae ? labels : undefined);
  const rows = r.noisy ? [pixels, r.noisy, r.output] : [pixels, r.output];
  return {
    ...m.tile,
    n: idx.length * rows.length,
    cols: idx.length,
    tiles: concatBytes(rows),
    rowLabels: r.noisy ? ['clean', 'noisy', 'reconstructed'] : ['input', 'reconstruction'],
    indices: idx,
    note: m.note,
  };
}

function classesGrid(spec: Spec<'classes'>, m: ModelGrid): Grid {
  if (!m.isCvae)
    throw new AppFailure(
      'bad-input',
      `run ${m.run.id} is a ${m.run.config.model.toUpperCase()}, not a conditional VAE; class grids need a CVAE`,
    );
  const latent = latentWidth(m.run, m.model, undefined);
  if (spec.dim >= latent) throw new AppFailure('bad-args', `dim: ${spec.dim} is not a latent dimension (0..${latent - 1})`);
  const g = explore.classSweep(m.model, { dim: spec.dim, range: spec.range, steps: spec.steps });
  return {
    ...m.tile,
    n: g.rows * spec.steps,
    cols: spec.steps,
    tiles: g.tiles,
    xValues: g.values,
    rowLabels: m.data.labelNames.slice(0, g.rows),
    note: labelBlindNote(labelDependence(m.model), g.rows) ?? m.note,
  };
}

function datasetGrid(spec: Spec<'dataset'>, data: Dataset): Grid {
  let matching: number[];
  if (spec.indices) {
    for (const i of spec.indices) checkIndex(data, i);
    matching = spec.indices;
  } else {
    matching = [];
    const split = spec.split === 'train' ? 0 : spec.split === 'test' ? 1 : -1;
    for (let i = 0; i < data.n; i++) {
      if (spec.label !== undefined && data.labels[i] !== spec.label) continue;
      if (split >= 0 && data.split[i] !== split) continue;
      matching.push(i);
    }
  }
  const idx = spec.indices ? matching : matching.slice(spec.offset, spec.offset + spec.limit);
  const { pixels, labels } = gather(data, idx);
  return {
    n: idx.length,
    cols: Math.min(idx.length, 10),
    height: data.height,
    width: data.width,
    channels: data.channels,
    tiles: pixels,
    indices: idx,
    labels: Array.from(labels),
    total: matching.length,
  };
}
