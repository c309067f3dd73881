// How clean a run's sweep is, in a number: the high-frequency energy of each cell of the sweep of
// its two strongest dimensions (the mean square of the image minus its 3x3 blur), against the
// same measure of the held-out photographs themselves. A cell rougher than the photographs is
// texture the data does not have (the "dissolves into noise" of a sweep between the training
// faces); a smooth decoder stays below 1.
//   npx tsx bench/sweep-roughness.ts --data-dir DIR RUN [RUN...]
// Three sweeps per run: 7x7 as the figures in bench/results.md, around test image 43 over each
// dimension's +-2 sd of the test codes and around the zero code over -2..2; and the Explore
// view's first sweep, 16x16 around the zero code over -3..3.
import { openService, type LatentLabService } from '../src/main/core/service';
import { invoke } from '../src/main/dispatch';
import type { Grid, GridSpec } from '../src/shared/contract';

/** Mean square of (image - its 3x3 box blur) over the interior pixels, pixels in 0..1. */
export function roughness(tiles: Uint8Array, at: number, w: number, h: number): number {
  let sum = 0;
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      let blur = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) blur += tiles[at + (y + dy) * w + x + dx]!;
      const d = (tiles[at + y * w + x]! - blur / 9) / 255;
      sum += d * d;
    }
  return sum / ((w - 2) * (h - 2));
}

function cells(g: Grid): number[] {
  const size = g.width * g.height * g.channels;
  if (g.channels !== 1) throw new Error('grey images only');
  return Array.from({ length: g.n }, (_, i) => roughness(g.tiles, i * size, g.width, g.height));
}

/** A grid through the door's own parsing, as the app asks for one. */
async function grid(svc: LatentLabService, spec: GridSpec): Promise<Grid> {
  const r = await invoke(svc, 'explore:grid', spec);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)]!;

const args = process.argv.slice(2);
const at = args.indexOf('--data-dir');
if (at < 0 || !args[at + 1]) throw new Error('usage: bench/sweep-roughness.ts --data-dir DIR RUN [RUN...]');
const runIds = args.filter((_, i) => i !== at && i !== at + 1).map(Number);
const svc = await openService({ dataDir: args[at + 1]!, door: 'cli', backend: 'wasm' });
try {
  const runs = await svc['runs:list']({});
  console.log('run | name | sweep | dims | median cell / photos | roughest cell / photos | cells rougher than the photos');
  for (const id of runIds) {
    const run = runs.find((r) => r.id === id);
    if (!run) throw new Error(`no run ${id}`);
    const photos = await grid(svc, { kind: 'dataset', datasetId: run.datasetId, split: 'test', limit: 40 });
    const ref = median(cells(photos));
    const dims = (await svc['explore:dims']({ runId: id, level: 1 })).dims.slice(0, 2).map((d) => d.index) as [number, number];
    const sweeps: [string, GridSpec][] = [
      ['image 43, sd2', { kind: 'sweep', runId: id, dims, grid: 7, rangeFrom: 'sd2', base: { kind: 'image', index: 43 } }],
      ['zero, -2..2', { kind: 'sweep', runId: id, dims, grid: 7, range: [-2, 2], base: { kind: 'zero' } }],
      // what the Explore view shows first (state/sweep.svelte.ts): the prior's centre, +-3, 16x16
      ['Explore: zero, -3..3, 16x16', { kind: 'sweep', runId: id, dims, grid: 16, range: [-3, 3], base: { kind: 'zero' } }],
    ];
    for (const [what, spec] of sweeps) {
      const r = cells(await grid(svc, spec)).map((v) => v / ref);
      const rough = r.filter((v) => v > 1).length;
      console.log(
        `${id} | ${run.name} | ${what} | z${dims[0]} x z${dims[1]} | ${median(r).toFixed(2)} | ${Math.max(...r).toFixed(2)} | ${rough} of ${r.length}`,
      );
    }
  }
} finally {
  await svc.close();
}
