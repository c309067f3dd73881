// Animated walks: an interpolation through dataset images, one dimension traversed with the
// others pinned, or the path of a sweep walk, decoded frame by frame into a GIF or WebP that
// carries its settings as an exported PNG does.
import { AppFailure, type WalkSpecParsed } from '../../../shared/contract';
import type { Handlers } from '../../dispatch';
import * as explore from '../explore';
import { traversalLatents, waypointLatents } from '../explore/walk';
import { encodeAnimation } from '../export/animation';
import type { Context } from './context';
import { refuseExisting, settingsText, withExtension, writeExport } from './export';
import { baseVector, modelGrid, type ModelGrid } from './grids/model-grid';
import { latentWidth, withModel } from './loaded';
import { checkIndex, gather } from './selection';

type Walk<K extends WalkSpecParsed['kind']> = Extract<WalkSpecParsed, { kind: K }>;

/** The walk's latents [frames, L], the level they live in and the class they are decoded as. */
interface Latents {
  z: Float32Array;
  level?: number;
  label?: number;
}

function interpolateLatents(w: Walk<'interpolate'>, m: ModelGrid): Latents {
  for (const i of w.images) checkIndex(m.data, i);
  const { pixels, labels } = gather(m.data, w.images);
  const mu = explore.encodeImages(m.model, pixels, m.isCvae ? labels : undefined).mu;
  const d = mu.length / w.images.length;
  const points = w.images.map((_, k) => mu.slice(k * d, (k + 1) * d));
  // a CVAE decodes the whole walk as the first image's class
  return { z: waypointLatents(points, w.steps, w.loop, w.mode), label: m.isCvae ? labels[0] : undefined };
}

function traverseLatents(w: Walk<'traverse'>, m: ModelGrid): Latents {
  const latent = latentWidth(m.run, m.model, w.level);
  if (w.dim >= latent)
    throw new AppFailure('bad-args', `dim: ${w.dim} is not a latent dimension (this run has ${latent}: 0..${latent - 1})`);
  const label = m.isCvae ? (w.label ?? 0) : undefined;
  const base = baseVector(w.base, latent, m, w.level, label);
  return { z: traversalLatents(base, w.dim, w.range, w.steps, w.bounce), level: w.level, label };
}

function pathLatents(w: Walk<'path'>, m: ModelGrid): Latents {
  const latent = latentWidth(m.run, m.model, w.level);
  w.points.forEach((p, k) => {
    if (p.length !== latent)
      throw new AppFailure('bad-args', `points.${k}: expected ${latent} values (one per latent dimension), got ${p.length}`);
  });
  const points = w.points.map((p) => Float32Array.from(p));
  return { z: waypointLatents(points, w.steps, w.loop, w.mode), level: w.level, label: m.isCvae ? (w.label ?? 0) : undefined };
}

function walkLatents(w: WalkSpecParsed, m: ModelGrid): Latents {
  try {
    if (w.kind === 'interpolate') return interpolateLatents(w, m);
    if (w.kind === 'traverse') return traverseLatents(w, m);
    return pathLatents(w, m);
  } catch (e) {
    if (e instanceof RangeError) throw new AppFailure('bad-args', `steps: ${e.message}`);
    throw e;
  }
}

export function animationHandlers(ctx: Context): Pick<Handlers, 'export:animation'> {
  return {
    async 'export:animation'(a) {
      const path = a.path ? withExtension(a.path, `.${a.format}`, ctx.opts.door, `walk.${a.format}`) : null;
      // refused before any decoding; the write itself refuses again if one appears meanwhile
      refuseExisting(path, a.overwrite);
      const frames = await withModel(ctx, a.walk.runId, (leased) => {
        const m = modelGrid(leased);
        const w = walkLatents(a.walk, m);
        const tiles = explore.decodeLatents(m.model, w.z, w.label, w.level);
        return { ...m.tile, tiles, n: tiles.length / (m.tile.height * m.tile.width * m.tile.channels) };
      });
      const text = settingsText(ctx, a.walk);
      text['latent-lab:animation'] = JSON.stringify({ format: a.format, fps: a.fps, scale: a.scale, frames: frames.n });
      const anim = await encodeAnimation({ ...frames, frames: frames.tiles, format: a.format, fps: a.fps, scale: a.scale, text });
      if (path) await writeExport(path, anim.bytes, a.overwrite);
      const bytes = new Uint8Array(anim.bytes.buffer, anim.bytes.byteOffset, anim.bytes.byteLength);
      return { path, format: a.format, bytes, frames: frames.n, width: anim.width, height: anim.height, delayMs: anim.delayMs };
    },
  };
}
