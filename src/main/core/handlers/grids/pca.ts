// The sweep along principal components of the encoded test means instead of raw dimensions:
// x and y in standard deviations along the two chosen PCs, around the codes' mean (or the
// base, when one is chosen); the axes named with their share of the variance ("PC1 · 34%").
import { AppFailure, type Grid, type GridSpecParsed } from '../../../../shared/contract';
import * as explore from '../../explore';
import { baseVector, shrunkTile, sweepShrink, type ModelGrid } from './model-grid';
import { latentWidth } from '../loaded';
import { testCodeAxes } from '../ranking';

type Spec = Extract<GridSpecParsed, { kind: 'sweep' }>;

export function pcaSweepGrid(spec: Spec, m: ModelGrid): Grid {
  const latent = latentWidth(m.run, m.model, spec.level);
  for (const d of spec.dims)
    if (d >= latent) throw new AppFailure('bad-args', `dims: principal component ${d + 1} does not exist (this run has ${latent})`);
  const pca = testCodeAxes(m, spec.level, latent);
  const label = m.isCvae ? (spec.label ?? 0) : undefined;
  const centre = spec.base.kind === 'zero' ? Float32Array.from(pca.mean) : baseVector(spec.base, latent, m, spec.level, label);
  // the components not swept sit where their sliders put them
  (spec.pcOffsets ?? []).forEach((t, k) => {
    if (t === 0 || k >= latent || spec.dims.includes(k)) return;
    const sd = Math.sqrt(pca.variance[k]!);
    for (let d = 0; d < latent; d++) centre[d]! += t * sd * pca.axes[k]![d]!;
  });
  const g = spec.grid;
  const xValues = explore.sweepValues(spec.range, g, spec.spacing);
  const yValues = xValues.slice().reverse();
  const [ax, ay] = spec.dims.map((d) => ({ v: pca.axes[d]!, sd: Math.sqrt(pca.variance[d]!) }));
  const z = new Float32Array(g * g * latent); // [g*g, L]
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      const o = (r * g + c) * latent;
      for (let d = 0; d < latent; d++) z[o + d] = centre[d]! + xValues[c]! * ax!.sd * ax!.v[d]! + yValues[r]! * ay!.sd * ay!.v[d]!;
    }
  }
  const tiles = explore.decodeLatents(m.model, z, label, spec.level, sweepShrink(spec, m));
  const name = (d: number): string => `PC${d + 1} · ${Math.round(pca.share[d]! * 100)}%`;
  return {
    ...shrunkTile(m, spec),
    n: g * g,
    cols: g,
    tiles,
    xValues,
    yValues,
    axisNames: [name(spec.dims[0]), name(spec.dims[1])],
    note: m.note,
  };
}
