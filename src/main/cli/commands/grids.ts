// The grid commands: each builds one grid spec of the contract and writes it as a PNG through
// export:grid, the same spec and the same drawing as the app's Export button.
import type { GridSpec, SweepBase } from '../../../shared/contract';
import { CliError, defineCommand, type Command, type Context, type Flags, type Input } from '../command';
import { runId } from '../refs';

/** Flags of every grid command: where the PNG goes and how it is drawn. */
const pngFlags: Flags = {
  out: { value: 'grid.png', required: true, help: 'where to write the PNG (a folder: <kind>.png inside it)' },
  force: { boolean: true, help: 'overwrite a file already at --out' },
  scale: { value: '2' },
  gutter: { value: '1' },
  labels: { boolean: true, help: 'draw the axis values and names around the grid' },
};

const run: Flags = { run: { value: '<id|last>', required: true, help: 'an id, a name or "last"' } };

function gridCommand(c: {
  name: string;
  summary: string;
  flags: Flags;
  spec: (input: Input, ctx: Context) => Promise<GridSpec> | GridSpec;
}): Command {
  return defineCommand({
    name: c.name,
    summary: c.summary,
    flags: { ...c.flags, ...pngFlags },
    method: 'export:grid',
    args: async (input, ctx) => ({
      spec: await c.spec(input, ctx),
      path: input.need('out'),
      scale: input.num('scale'),
      gutter: input.num('gutter'),
      labels: input.on('labels'),
      overwrite: input.on('force'),
    }),
    print(r, { io }) {
      io.out(`wrote ${r.path} (${r.width}x${r.height})`);
    },
  });
}

/** --base zero | image:K | random:S | values:a,b,... */
export function parseBase(v: string | undefined): SweepBase | undefined {
  if (v === undefined) return undefined;
  if (v === 'zero') return { kind: 'zero' };
  const [kind, arg] = v.split(':');
  if (kind === 'image' && arg !== undefined && /^\d+$/.test(arg)) return { kind: 'image', index: Number(arg) };
  if (kind === 'random') return { kind: 'random', seed: Number(arg ?? 1) };
  if (kind === 'values' && arg) return { kind: 'values', values: arg.split(',').map(Number) };
  throw new CliError(`--base: expected zero, image:K, random:S or values:a,b,... (got "${v}")`);
}

const theRun = (input: Input, ctx: Context): Promise<number> => runId(ctx, input.str('run'));

export const sweepCommand = gridCommand({
  name: 'sweep',
  summary: 'a 2-D latent sweep: two dimensions over a range, the others pinned at the base',
  flags: {
    ...run,
    dims: { value: '0,1' },
    grid: { value: '16' },
    range: { value: '-3,3' },
    axes: { value: 'dims|pca', help: 'pca: --dims are principal components of the codes (0 = PC1), --range in their sd' },
    'range-from': { value: 'sd2|minmax', help: "each axis over its dim's +-2 sd or min..max of the encoded test means" },
    spacing: { value: 'linear|normal' },
    base: { value: 'zero|image:K|random:S' },
    label: { value: 'C', help: 'cvae: the class' },
    level: { value: '1..T', help: 'hvae: the level swept (the levels below decoded through their conditional means)' },
  },
  spec: async (input, ctx) => ({
    kind: 'sweep',
    runId: await theRun(input, ctx),
    dims: input.pair('dims') ?? [0, 1],
    grid: input.num('grid'),
    range: input.pair('range'),
    rangeFrom: input.str('range-from') as 'sd2' | 'minmax' | undefined,
    axes: input.str('axes') as 'dims' | 'pca' | undefined,
    spacing: input.str('spacing') as 'linear' | 'normal' | undefined,
    base: parseBase(input.str('base')),
    label: input.num('label'),
    level: input.num('level'),
  }),
});

export const traverseCommand = gridCommand({
  name: 'traverse',
  summary: 'one row per latent dimension (ranked by KL, unused ones folded), each from low to high, the others pinned',
  flags: {
    ...run,
    steps: { value: '10' },
    range: { value: 'prior|sd2|minmax', help: 'the prior -3..3, +-2 sd or min..max of the encoded test means' },
    base: { value: 'zero|image:K|random:S' },
    inactive: { boolean: true, help: 'also the dimensions the model does not use' },
    label: { value: 'C', help: 'cvae: the class' },
  },
  spec: async (input, ctx) => ({
    kind: 'traverse',
    runId: await theRun(input, ctx),
    steps: input.num('steps'),
    range: input.str('range') as 'prior' | 'sd2' | 'minmax' | undefined,
    base: parseBase(input.str('base')),
    inactive: input.on('inactive'),
    label: input.num('label'),
  }),
});

export const attributeCommand = gridCommand({
  name: 'attribute',
  summary: "an image's code moved along the vector from class A's mean code to class B's (not for a CVAE)",
  flags: {
    ...run,
    from: { value: 'A', required: true, help: 'a class index' },
    to: { value: 'B', required: true, help: 'a class index' },
    image: { value: 'K', required: true, help: 'the dataset image to move' },
    amounts: { value: '-0.5,0,0.5,1,1.5' },
  },
  spec: async (input, ctx) => ({
    kind: 'attribute',
    runId: await theRun(input, ctx),
    from: input.num('from')!,
    to: input.num('to')!,
    index: input.num('image')!,
    amounts: input.list('amounts'),
  }),
});

export const analogyCommand = gridCommand({
  name: 'analogy',
  summary: 'three dataset images A, B, C at three corners, B + C - A at the fourth, the inside blended (not for a CVAE)',
  flags: { ...run, images: { value: 'A,B,C', required: true, help: 'three dataset image indices' }, size: { value: '7' } },
  spec: async (input, ctx) => {
    const [a, b, c] = input.list('images') ?? [];
    if (c === undefined) throw new CliError('--images: three dataset image indices, like 0,1,2');
    return { kind: 'analogy', runId: await theRun(input, ctx), a: a!, b: b!, c, size: input.num('size') };
  },
});

const mixtureFlags: Flags = {
  from: { value: 'prior|mixture', help: 'codes from N(0, I) or from a Gaussian mixture fitted to the encoded training means' },
  components: { value: 'K', help: 'mixture: its components (default 10)' },
};

/** samples and nearest: n draws from the prior (of class --label for a CVAE), samples also from the fitted mixture */
function drawsCommand(kind: 'samples' | 'nearest', summary: string, n: number): Command {
  return gridCommand({
    name: kind,
    summary,
    flags: {
      ...run,
      n: { value: String(n) },
      seed: { value: '1' },
      label: { value: 'C', help: 'cvae: the class' },
      ...(kind === 'samples' ? mixtureFlags : {}),
    },
    spec: async (input, ctx) => {
      const draws = { runId: await theRun(input, ctx), n: input.num('n'), seed: input.num('seed'), label: input.num('label') };
      if (kind === 'nearest') return { kind, ...draws };
      return { kind, ...draws, from: input.str('from') as 'prior' | 'mixture' | undefined, components: input.num('components') };
    },
  });
}

export const samplesCommand = drawsCommand('samples', 'samples from the prior', 64);

export const reconstructCommand = gridCommand({
  name: 'reconstruct',
  summary: 'test images above their reconstructions',
  flags: { ...run, n: { value: '16' }, offset: { value: '0' } },
  spec: async (input, ctx) => ({ kind: 'reconstruct', runId: await theRun(input, ctx), n: input.num('n'), offset: input.num('offset') }),
});

export const interpolateCommand = gridCommand({
  name: 'interpolate',
  summary: 'a strip between two dataset images (--compare: a second run as a second row)',
  flags: {
    ...run,
    from: { value: 'A', required: true, help: 'a dataset image index' },
    to: { value: 'B', required: true, help: 'a dataset image index' },
    steps: { value: '10' },
    slerp: { boolean: true },
    compare: { value: 'R', help: 'a second run of the same data' },
  },
  spec: async (input, ctx) => {
    const compare = input.str('compare');
    return {
      kind: 'interpolate',
      runId: await theRun(input, ctx),
      a: input.num('from'),
      b: input.num('to'),
      steps: input.num('steps'),
      mode: input.on('slerp') ? 'slerp' : 'linear',
      compareRunId: compare ? await runId(ctx, compare) : undefined,
    };
  },
});

export const nearestCommand = drawsCommand('nearest', 'samples over their nearest training images (did it memorize?)', 8);

export const classesCommand = gridCommand({
  name: 'classes',
  summary: 'cvae: one row per class, one dimension swept',
  flags: { ...run, dim: { value: '0' }, steps: { value: '10' }, range: { value: '-3,3' } },
  spec: async (input, ctx) => ({
    kind: 'classes',
    runId: await theRun(input, ctx),
    dim: input.num('dim'),
    steps: input.num('steps'),
    range: input.pair('range'),
  }),
});

export const exportGridCommand = gridCommand({
  name: 'export-grid',
  summary: 'any grid spec of the contract, as JSON',
  flags: { spec: { value: "'<grid spec JSON>'", required: true, help: 'a grid spec as JSON, e.g. {"kind":"samples","runId":1,"n":64}' } },
  spec: (input) => {
    try {
      return JSON.parse(input.need('spec')) as GridSpec;
    } catch (e) {
      throw new CliError(`--spec: not valid JSON (${(e as Error).message})`);
    }
  },
});
