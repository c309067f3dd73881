// What a run's grid builder gets (the leased model and data, the tile shape, the note every
// such grid carries) and the helpers several builders share: where the pinned dimensions sit,
// and a sweep's shrink.
import { AppFailure, type Grid, type GridSpecParsed, type SweepBase } from '../../../../shared/contract';
import * as explore from '../../explore';
import type { Dataset } from '../../types';
import type { RunModel } from '../loaded';
import { checkIndex, gather } from '../selection';

type Spec<K extends GridSpecParsed['kind']> = Extract<GridSpecParsed, { kind: K }>;

/** What a run's grid builder gets: the leased model and data, and what every such grid carries. */
export interface ModelGrid extends RunModel {
  isCvae: boolean;
  tile: Pick<Grid, 'height' | 'width' | 'channels'>;
  note: string | undefined;
}

/** A leased run as a grid builder sees it (the animated walks use it too). */
export function modelGrid(m: RunModel): ModelGrid {
  const { height, width, channels } = m.data;
  return {
    ...m,
    isCvae: m.run.config.model === 'cvae',
    tile: { height, width, channels },
    note: bernoulliNote(m.run.config.likelihood, m.data),
  };
}

/** The sweep's `shrink`, checked against the run's images (a tile keeps at least one pixel a side). */
export function sweepShrink(spec: Spec<'sweep'>, m: ModelGrid): number {
  const k = spec.shrink ?? 1;
  const side = Math.min(m.tile.height, m.tile.width);
  if (k > side)
    throw new AppFailure('bad-args', `shrink: ${k} is more than this run's ${m.tile.height}x${m.tile.width} images allow (1..${side})`);
  return k;
}

/** The tile shape a sweep sends: the run's images, area-averaged by `shrink`. */
export function shrunkTile(m: ModelGrid, spec: Spec<'sweep'>): ModelGrid['tile'] {
  const k = sweepShrink(spec, m);
  return { height: Math.floor(m.tile.height / k), width: Math.floor(m.tile.width / k), channels: m.tile.channels };
}

/** Where the dimensions that are not swept are pinned. */
export function baseVector(base: SweepBase, latent: number, m: ModelGrid, level?: number, label?: number): Float32Array {
  switch (base.kind) {
    case 'zero':
      // a CVAE with a learned prior: the class's own centre, where its codes live
      return m.model.priorZ && label !== undefined ? explore.priorMean(m.model, label) : new Float32Array(latent);
    case 'random':
      return explore.randomNormal(latent, base.seed);
    case 'values':
      if (base.values.length !== latent)
        throw new AppFailure('bad-args', `base.values: expected ${latent} values (one per latent dimension), got ${base.values.length}`);
      return Float32Array.from(base.values);
    case 'image': {
      checkIndex(m.data, base.index);
      const { pixels, labels } = gather(m.data, [base.index]);
      return explore.encodeImages(m.model, pixels, m.isCvae ? labels : undefined, level).mu;
    }
  }
}

/** Shown under a grid: a Bernoulli loss on grey-level images is not a likelihood of the image. */
function bernoulliNote(likelihood: string, data: Dataset): string | undefined {
  if (likelihood !== 'bernoulli') return undefined;
  let grey = greyLevel.get(data);
  if (grey === undefined) greyLevel.set(data, (grey = isGreyLevel(data)));
  return grey
    ? 'These images are grey-level: with a Bernoulli decoder the loss in nats is not a likelihood of the grey image (use Gaussian or continuous Bernoulli for that).'
    : undefined;
}

// once per loaded dataset, not at every grid: the look is 20,000 reads strided over all its
// pixels (55 MB for MNIST), a cache miss each, on the path of every slider move
const greyLevel = new WeakMap<Dataset, boolean>();

function isGreyLevel(data: Dataset): boolean {
  let grey = 0;
  const step = Math.max(1, Math.floor(data.pixels.length / 20000));
  let seen = 0;
  for (let i = 0; i < data.pixels.length; i += step, seen++) {
    const v = data.pixels[i]!;
    if (v > 25 && v < 230) grey++;
  }
  return grey / seen > 0.1;
}
