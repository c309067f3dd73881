// Figures that compare across runs: PSNR of the reconstructions of (up to) 1000 test images at
// the run's latest checkpoint, with the image size the bits per dimension divide by. Kept per
// checkpoint, so the Runs table asks once per run and epoch.
import type { Handlers } from '../../../shared/contract';
import type { RunQuality } from '../../../shared/records';
import * as explore from '../explore';
import type { Context } from './context';
import { withModel } from './loaded';
import { gather, testIndices } from './selection';

/** Enough test images for a PSNR to two decimals, few enough to answer in a second or two. */
const QUALITY_IMAGES = 1000;

const memo = new WeakMap<Context, Map<string, RunQuality>>();

export function qualityHandlers(ctx: Context): Pick<Handlers, 'runs:quality'> {
  return {
    'runs:quality': (a) =>
      withModel(ctx, a.runId, ({ run, model, data, epoch }) => {
        const cache = memo.get(ctx) ?? new Map<string, RunQuality>();
        memo.set(ctx, cache);
        const key = `${run.id}:${epoch}`;
        const known = cache.get(key);
        if (known) return known;
        const dims = data.height * data.width * data.channels;
        if (data.n === 0 || !model.decodesImages) {
          return { runId: run.id, epoch, images: 0, dims, mse: null, psnr: null };
        }
        const idx = testIndices(data, QUALITY_IMAGES);
        const { pixels, labels } = gather(data, idx);
        const ev = explore.evaluate(model, pixels, run.config.model === 'cvae' ? labels : undefined, { iwae: 1 });
        const result: RunQuality = {
          runId: run.id,
          epoch,
          images: idx.length,
          dims,
          mse: Number.isFinite(ev.mse) ? ev.mse : null,
          psnr: Number.isFinite(ev.psnr) ? ev.psnr : null,
        };
        cache.set(key, result);
        return result;
      }),
  };
}
