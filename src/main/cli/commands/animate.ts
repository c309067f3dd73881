// `latent-lab animate`: an animated GIF or WebP of a walk through the latent space, the same
// walk spec and the same drawing as the app's Animate dialog.
import { extname } from 'node:path';
import type { WalkSpec } from '../../../shared/contract';
import { CliError, defineCommand, type Context, type Input } from '../command';
import { runId } from '../refs';
import { parseBase } from './grids';

const formatOf = (input: Input): 'gif' | 'webp' => {
  const f = input.str('format') ?? extname(input.need('out')).slice(1).toLowerCase();
  if (f === 'gif' || f === 'webp') return f;
  throw new CliError(`--format: gif or webp (or an --out ending in .gif or .webp), got "${f || input.need('out')}"`);
};

/** "0,0,1;1,0,1" → [[0, 0, 1], [1, 0, 1]] */
function points(v: string): number[][] {
  return v.split(';').map((p) => p.split(',').map(Number));
}

async function walkSpec(input: Input, ctx: Context): Promise<WalkSpec> {
  const id = await runId(ctx, input.str('run'));
  const common = { runId: id, steps: input.num('steps') };
  const mode = input.on('slerp') ? 'slerp' : 'linear';
  const through = input.list('through');
  const dim = input.num('dim');
  const path = input.str('path');
  if ([through, dim, path].filter((v) => v !== undefined).length !== 1)
    throw new CliError('give one walk: --through A,B[,C...] (dataset images), --dim D (one dimension) or --path "z;z;..." (latent points)');
  if (through) return { kind: 'interpolate', ...common, images: through, loop: input.on('loop'), mode };
  if (dim !== undefined)
    return {
      kind: 'traverse',
      ...common,
      dim,
      range: input.pair('range'),
      base: parseBase(input.str('base')),
      bounce: !input.on('once'),
      label: input.num('label'),
    };
  return { kind: 'path', ...common, points: points(path!), loop: input.on('loop'), mode, label: input.num('label') };
}

export const animateCommand = defineCommand({
  name: 'animate',
  summary: 'an animated GIF or WebP of a walk: through images, along one dimension, or through latent points',
  flags: {
    run: { value: '<id|last>', required: true, help: 'an id, a name or "last"' },
    out: { value: 'walk.gif', required: true, help: 'where to write it (.gif or .webp)' },
    through: { value: 'A,B[,C...]', help: 'dataset images to interpolate through' },
    loop: { boolean: true, help: 'back to the first point at the end' },
    slerp: { boolean: true },
    dim: { value: 'D', help: 'traverse one latent dimension, the others pinned at --base' },
    range: { value: '-3,3' },
    base: { value: 'zero|image:K|random:S' },
    once: { boolean: true, help: 'traverse up only, not back down' },
    path: { value: "'z;z;...'", help: 'latent points, comma-separated values, ; between points' },
    label: { value: 'C', help: 'cvae: the class' },
    steps: { value: '24', help: 'frames per leg (traverse: per way)' },
    fps: { value: '12' },
    scale: { value: '4' },
    format: { value: 'gif|webp', help: 'default: from --out' },
    force: { boolean: true, help: 'overwrite a file already at --out' },
  },
  method: 'export:animation',
  args: async (input, ctx) => ({
    walk: await walkSpec(input, ctx),
    format: formatOf(input),
    fps: input.num('fps'),
    scale: input.num('scale'),
    path: input.need('out'),
    overwrite: input.on('force'),
  }),
  print(r, { io }) {
    io.out(`wrote ${r.path} (${r.frames} frames of ${r.width}x${r.height}, ${r.delayMs} ms each)`);
  },
});
