// The traversal grid: one row per latent dimension, most informative first (inactive ones
// folded unless asked for), its columns that dimension from low to high over its own range,
// every other dimension pinned at the base. One decode for the whole grid.
import type { Grid, GridSpecParsed } from '../../../../shared/contract';
import * as explore from '../../explore';
import { ACTIVE_UNIT_THRESHOLD } from '../../explore/metrics';
import type { Context } from '../context';
import { baseVector, type ModelGrid } from './model-grid';
import { latentWidth } from '../loaded';
import { dataRanges, ranking } from '../ranking';

type Spec = Extract<GridSpecParsed, { kind: 'traverse' }>;

export async function traverseGrid(spec: Spec, m: ModelGrid, ctx: Context): Promise<Grid> {
  const latent = latentWidth(m.run, m.model, spec.level);
  const ranked = (await ranking(ctx, m, spec.level ?? 1)).dims;
  const shown = spec.inactive ? ranked : ranked.filter((d) => d.variance > ACTIVE_UNIT_THRESHOLD);
  // a model that uses no dimension at all still shows its most informative one
  const rows = shown.length > 0 ? shown : ranked.slice(0, 1);
  const label = m.isCvae ? (spec.label ?? 0) : undefined;
  const base = baseVector(spec.base, latent, m, spec.level, label);
  const ranges = dataRanges(m, spec.level, spec.range, latent);
  const z = new Float32Array(rows.length * spec.steps * latent); // [rows*steps, L]
  const rowRanges: [number, number][] = [];
  rows.forEach((d, r) => {
    const range = ranges[d.index]!;
    rowRanges.push(range);
    explore.sweepValues(range, spec.steps, 'linear').forEach((v, c) => {
      const o = (r * spec.steps + c) * latent;
      z.set(base, o);
      z[o + d.index] = v;
    });
  });
  const tiles = explore.decodeLatents(m.model, z, label, spec.level);
  const folded = ranked.length - rows.length;
  const fold = folded > 0 ? `${folded} inactive dimension${folded === 1 ? '' : 's'} folded (the model does not use them)` : undefined;
  return {
    ...m.tile,
    n: rows.length * spec.steps,
    cols: spec.steps,
    tiles,
    rowDims: rows.map((d) => d.index),
    rowRanges,
    // short: the row label column is narrow (the KL is in the sweep panel's list)
    rowLabels: rows.map((d, r) => `z${d.index} ${rowRanges[r]![0].toFixed(1)}..${rowRanges[r]![1].toFixed(1)}`),
    note: [fold, m.note].filter(Boolean).join('. ') || undefined,
  };
}
