// Exploring a trained run: its latent dimensions ranked, one image encoded, the encoded test
// set as a scatter, and every grid (grids.ts).
import { AppFailure } from '../../../shared/contract';
import type { Handlers } from '../../dispatch';
import * as explore from '../explore';
import type { Context } from './context';
import { buildGrid } from './grids';
import { latentWidth, withModel } from './loaded';
import { ranking } from './ranking';
import { checkIndex, gather, testIndices } from './selection';

export function exploreHandlers(ctx: Context): Pick<Handlers, 'explore:dims' | 'explore:encode' | 'explore:scatter' | 'explore:grid'> {
  return {
    'explore:dims': (a) =>
      withModel(ctx, a.runId, async (m) => {
        latentWidth(m.run, m.model, a.level);
        const r = await ranking(ctx, m, a.level);
        return { ...r, testIndices: m.data.n === 0 ? [] : testIndices(m.data, 200) };
      }),

    'explore:encode': (a) =>
      withModel(ctx, a.runId, ({ run, model, data }) => {
        checkIndex(data, a.index);
        latentWidth(run, model, a.level);
        const { pixels, labels } = gather(data, [a.index]);
        const e = explore.encodeImages(model, pixels, run.config.model === 'cvae' ? labels : undefined, a.level);
        return { mu: Array.from(e.mu), logvar: Array.from(e.logvar), label: data.labels[a.index]! };
      }),

    'explore:scatter': (a) =>
      withModel(ctx, a.runId, ({ run, model, data }) => {
        const idx = testIndices(data, a.limit);
        const { pixels, labels } = gather(data, idx);
        const latent = latentWidth(run, model, undefined);
        const dims = a.dims ?? [0, Math.min(1, latent - 1)];
        for (const d of dims) if (d >= latent) throw new AppFailure('bad-args', `dims: ${d} is not a latent dimension (0..${latent - 1})`);
        const e = explore.encodeImages(model, pixels, run.config.model === 'cvae' ? labels : undefined);
        const x: number[] = [];
        const y: number[] = [];
        for (let i = 0; i < idx.length; i++) {
          x.push(e.mu[i * latent + dims[0]]!);
          y.push(e.mu[i * latent + dims[1]]!);
        }
        return { x, y, labels: Array.from(labels), labelNames: data.labelNames, dims };
      }),

    'explore:grid': (spec) => buildGrid(ctx, spec),
  };
}
