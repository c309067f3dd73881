// Exploring a trained run: its latent dimensions ranked, one image encoded, the encoded test
// set as a scatter, and every grid (grids.ts).
import type { Handlers } from '../../../shared/contract';
import * as explore from '../explore';
import type { Context } from './context';
import { buildGrid } from './grids';
import { latentWidth, withModel } from './loaded';
import { ranking } from './ranking';
import { scatter } from './scatter';
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

    'explore:scatter': (a) => scatter(ctx, a),

    // off this thread where there is one (grid-thread.ts), so no other call waits behind a decode
    'explore:grid': (spec) => (ctx.grids ? ctx.grids.build(spec) : buildGrid(ctx, spec)),
  };
}
