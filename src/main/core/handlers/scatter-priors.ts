// A CVAE's class regions on the scatter: forms 1 and 4 learn a prior p(z|y) per class, the
// region where that class's codes are meant to live. Each is a diagonal Gaussian in the latent
// space, and a Gaussian seen along any linear pair of axes is again a Gaussian, so it projects
// exactly onto two raw dims (its own means and variances there) and onto PC1 x PC2 (in their
// sd, as the scatter's points are). UMAP is not linear: no regions there.
import type { ClassPrior } from '../../../shared/contract';
import * as explore from '../explore';
import type { CodeAxes } from '../explore/code-axes';
import type { VaeModel } from '../model/vae.js';

export type PlottedAxes = { kind: 'dims'; dims: [number, number] } | { kind: 'pca'; pca: CodeAxes };

/** Each class's p(z|y) on the plotted axes; undefined for a model with no learned class prior. */
export function classPriorsOn(model: VaeModel, axes: PlottedAxes): ClassPrior[] | undefined {
  if (!model.conditional || !model.priorZ) return undefined;
  const { mu, sd, classes } = explore.classPriors(model);
  const L = mu.length / classes;
  // the two plotted directions as unit vectors in the latent space, each with its scale
  const directions: { v: Float64Array; origin: number; scale: number }[] =
    axes.kind === 'dims'
      ? axes.dims.map((d) => ({ v: unit(L, d), origin: 0, scale: 1 }))
      : [0, 1].map((k) => {
          const v = axes.pca.axes[k] ?? new Float64Array(L);
          return { v, origin: dot(axes.pca.mean, v), scale: Math.sqrt(axes.pca.variance[k] ?? 0) || 1 };
        });
  const out: ClassPrior[] = [];
  for (let c = 0; c < classes; c++) {
    const m = mu.subarray(c * L, (c + 1) * L);
    const s = sd.subarray(c * L, (c + 1) * L);
    const [a, b] = directions as [(typeof directions)[0], (typeof directions)[0]];
    // a^T diag(s^2) b over the scales: the projected covariance
    const cov = (p: Float64Array, q: Float64Array): number => {
      let t = 0;
      for (let d = 0; d < L; d++) t += p[d]! * q[d]! * s[d]! * s[d]!;
      return t;
    };
    out.push({
      label: c,
      mean: [(dot(m, a.v) - a.origin) / a.scale, (dot(m, b.v) - b.origin) / b.scale],
      cov: [cov(a.v, a.v) / a.scale ** 2, cov(a.v, b.v) / (a.scale * b.scale), cov(b.v, b.v) / b.scale ** 2],
    });
  }
  return out;
}

function unit(L: number, d: number): Float64Array {
  const v = new Float64Array(L);
  v[d] = 1;
  return v;
}

function dot(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let t = 0;
  for (let d = 0; d < p.length; d++) t += p[d]! * q[d]!;
  return t;
}
