// The sweep's state on its own: which dims it picks, what it asks the service to draw, and that a
// late answer (dims, the top level's ranking, an encoding) never overwrites a newer choice.
import { describe, expect, it } from 'vitest';
import { Sweep, type Level, type SweepRun, type SweepSource } from '../../src/renderer/src/state/sweep.svelte';
import type { DimsResult } from '../../src/shared/contract';
import { deferred, settle, type Deferred } from './deferred';

/** Figures for `kls.length` dims whose KL is as given (ranked most informative first, as the service does). */
function dimsOf(kls: number[], extra: Partial<DimsResult> = {}): DimsResult {
  const dims = kls.map((kl, index) => ({ index, kl, variance: 1 })).sort((a, b) => b.kl - a.kl);
  return {
    latent: kls.length,
    dims,
    activeUnits: kls.filter((k) => k > 0.01).length,
    model: 'vae',
    labelNames: [],
    testIndices: [7, 9],
    ...extra,
  };
}

/** A source whose every answer the test gives by hand. */
function fakeSource() {
  const dims: { runId: number; level: Level; answer: Deferred<DimsResult> }[] = [];
  const encodes: { index: number; level: Level; answer: Deferred<number[]> }[] = [];
  const errors: string[] = [];
  const source: SweepSource = {
    dims(runId, level) {
      const answer = deferred<DimsResult>();
      dims.push({ runId, level, answer });
      return answer.promise;
    },
    encode(_runId, index, level) {
      const answer = deferred<number[]>();
      encodes.push({ index, level, answer });
      return answer.promise;
    },
    onError: (err, context) => errors.push(`${context}: ${(err as Error).message}`),
  };
  return { source, dims, encodes, errors };
}

const VAE: SweepRun = { id: 1, model: 'vae', latent: 4 };

async function opened(run: SweepRun = VAE, figures = dimsOf([0.1, 2, 0.5, 1])) {
  const fake = fakeSource();
  const sweep = new Sweep(fake.source);
  sweep.open(run);
  fake.dims.at(-1)!.answer.resolve(figures);
  await settle();
  return { sweep, ...fake };
}

describe('Sweep', () => {
  it('draws nothing until the dims are in, then sweeps the two most informative at zero', async () => {
    const fake = fakeSource();
    const sweep = new Sweep(fake.source);
    sweep.open(VAE);
    expect(sweep.spec).toBeNull();
    expect(sweep.ranked.map((d) => d.index)).toEqual([0, 1, 2, 3]); // index order meanwhile
    expect(fake.dims).toHaveLength(1);
    expect(fake.dims[0]).toMatchObject({ runId: 1, level: 1 });
    fake.dims[0]!.answer.resolve(dimsOf([0.1, 2, 0.5, 1]));
    await settle();
    expect([sweep.x, sweep.y]).toEqual([1, 3]);
    expect(sweep.spec).toEqual({
      kind: 'sweep',
      runId: 1,
      dims: [1, 3],
      range: [-3, 3],
      grid: 16,
      spacing: 'linear',
      base: { kind: 'zero' },
    });
    expect(sweep.pinnedDims.map((d) => d.index)).toEqual([2, 0]);
    expect(sweep.maxKl).toBe(2);
  });

  it('large images start with a coarser grid', () => {
    const sweep = new Sweep(fakeSource().source);
    sweep.open(VAE, 64);
    expect(sweep.gridSize).toBe(8);
    sweep.open(VAE, 28);
    expect(sweep.gridSize).toBe(16);
  });

  it("shows a failed measurement as the view's error", async () => {
    const fake = fakeSource();
    const sweep = new Sweep(fake.source);
    sweep.open(VAE);
    fake.dims[0]!.answer.reject(new Error('no checkpoint'));
    await settle();
    expect(sweep.error).toBe('no checkpoint');
    expect(sweep.spec).toBeNull();
  });

  it('a slow answer for the previous run does not land on the new one', async () => {
    const fake = fakeSource();
    const sweep = new Sweep(fake.source);
    sweep.open(VAE);
    sweep.open({ id: 2, model: 'vae', latent: 3 });
    fake.dims[1]!.answer.resolve(dimsOf([0, 1, 3]));
    await settle();
    fake.dims[0]!.answer.resolve(dimsOf([9, 0, 0, 8]));
    await settle();
    expect(sweep.spec).toMatchObject({ runId: 2 });
    expect([sweep.x, sweep.y]).toEqual([2, 1]);
    expect(sweep.pinned).toHaveLength(3);
  });

  it("the open's cancel (the view's teardown) drops its measurement", async () => {
    const fake = fakeSource();
    const sweep = new Sweep(fake.source);
    const cancel = sweep.open(VAE);
    cancel();
    fake.dims[0]!.answer.resolve(dimsOf([1, 2, 3, 4]));
    await settle();
    expect(sweep.dims).toBeNull();
  });

  it('taking the other axis’s dim swaps the pair; one dim on both axes never happens', async () => {
    const { sweep } = await opened();
    sweep.setDim('x', 3); // y's dim
    expect([sweep.x, sweep.y]).toEqual([3, 1]);
    sweep.setDim('y', 3);
    expect([sweep.x, sweep.y]).toEqual([1, 3]);
    sweep.setDim('y', 0);
    expect([sweep.x, sweep.y]).toEqual([1, 0]);
  });

  it('keeps the range and grid inside what the service accepts', async () => {
    const { sweep } = await opened();
    sweep.range = 100;
    sweep.gridSize = 1;
    expect(sweep.range).toBe(6);
    expect(sweep.gridSize).toBe(2);
    sweep.gridSize = 7.6;
    expect(sweep.spec).toMatchObject({ range: [-6, 6], grid: 8 });
  });

  it('a moved pin makes the base the values shown, rounded; a reset goes back to the mode', async () => {
    const { sweep } = await opened();
    expect(sweep.offCentre).toBe(false);
    sweep.pin(2, 1.23456);
    expect(sweep.touched).toBe(true);
    expect(sweep.offCentre).toBe(true);
    expect(sweep.base).toEqual({ kind: 'values', values: [0, 0, 1.235, 0] });
    sweep.chooseBase('zero');
    expect(sweep.base).toEqual({ kind: 'zero' });
    expect(sweep.pinned).toEqual([0, 0, 0, 0]);
  });

  it('walking to a cell sets the swept pair of the point', async () => {
    const { sweep } = await opened();
    sweep.walkTo(-1.5, 2);
    expect(sweep.pinned).toEqual([0, -1.5, 0, 2]);
    expect(sweep.base).toEqual({ kind: 'values', values: [0, -1.5, 0, 2] });
  });

  it('random: a seeded draw the sliders show; another draw with reroll', async () => {
    const { sweep } = await opened();
    sweep.chooseBase('random');
    const first = [...sweep.pinned];
    expect(first).toHaveLength(4);
    expect(sweep.base).toEqual({ kind: 'values', values: first });
    sweep.reroll();
    expect(sweep.seed).toBe(2);
    expect(sweep.pinned).not.toEqual(first);
    expect(sweep.touched).toBe(false);
  });

  it('image: pins at the first test image’s code, and the base names the image', async () => {
    const { sweep, encodes } = await opened();
    sweep.chooseBase('image');
    expect(encodes[0]).toMatchObject({ index: 7, level: 1 });
    expect(sweep.base).toEqual({ kind: 'image', index: 7 });
    encodes[0]!.answer.resolve([0.123, -1, 2, 0.5]);
    await settle();
    expect(sweep.pinned).toEqual([0.12, -1, 2, 0.5]);
    expect(sweep.offCentre).toBe(true);
  });

  it('a slow encoding never overwrites a newer pick, a moved pin or another base', async () => {
    const { sweep, encodes } = await opened();
    sweep.pickImage(7);
    sweep.pickImage(9);
    encodes[1]!.answer.resolve([9, 9, 9, 9]);
    await settle();
    encodes[0]!.answer.resolve([7, 7, 7, 7]);
    await settle();
    expect(sweep.baseImage).toBe(9);
    expect(sweep.pinned).toEqual([9, 9, 9, 9]);

    sweep.pickImage(7);
    sweep.pin(0, 1);
    encodes[2]!.answer.resolve([7, 7, 7, 7]);
    await settle();
    expect(sweep.pinned).toEqual([1, 9, 9, 9]);

    sweep.pickImage(9);
    sweep.chooseBase('zero');
    encodes[3]!.answer.resolve([9, 9, 9, 9]);
    await settle();
    expect(sweep.pinned).toEqual([0, 0, 0, 0]);
  });

  it('reports a failed encoding', async () => {
    const { sweep, encodes, errors } = await opened();
    sweep.pickImage(7);
    encodes[0]!.answer.reject(new Error('gone'));
    await settle();
    expect(errors).toEqual(['Encoding the image: gone']);
  });

  it('CVAE: the class rides in the spec', async () => {
    const { sweep } = await opened({ id: 3, model: 'cvae', latent: 4 }, dimsOf([1, 2, 3, 4], { model: 'cvae', labelNames: ['a', 'b'] }));
    sweep.label = 1;
    expect(sweep.spec).toMatchObject({ label: 1 });
    expect(sweep.spec).not.toHaveProperty('level');
  });

  describe('HVAE levels', () => {
    const HVAE: SweepRun = { id: 4, model: 'hvae', latent: 4, latent2: 2 };

    it('level 2 measures the top level once and sweeps its two most informative, pinned at zero', async () => {
      const { sweep, dims } = await opened(HVAE, dimsOf([1, 2, 3, 4], { model: 'hvae' }));
      expect(sweep.spec).toMatchObject({ level: 1, dims: [3, 2] });
      sweep.pin(0, 2);
      sweep.setLevel(2);
      expect(sweep.latent).toBe(2);
      expect(sweep.pinned).toEqual([0, 0]);
      expect(sweep.touched).toBe(false);
      expect(dims.at(-1)).toMatchObject({ level: 2 });
      dims.at(-1)!.answer.resolve(dimsOf([0.2, 0.9], { model: 'hvae' }));
      await settle();
      expect(sweep.spec).toMatchObject({ level: 2, dims: [1, 0], base: { kind: 'zero' } });
      expect(sweep.levelDims?.latent).toBe(2);

      sweep.setLevel(1);
      expect([sweep.x, sweep.y]).toEqual([3, 2]);
      expect(sweep.pinned).toEqual([0, 0, 0, 0]);
      sweep.setLevel(2);
      expect(dims).toHaveLength(2); // the top level's ranking is kept for the run
      expect([sweep.x, sweep.y]).toEqual([1, 0]);
    });

    it("the top level's ranking arriving after a return to level 1 leaves level 1's pair alone", async () => {
      const { sweep, dims } = await opened(HVAE, dimsOf([1, 2, 3, 4], { model: 'hvae' }));
      sweep.setLevel(2);
      sweep.setLevel(1);
      dims.at(-1)!.answer.resolve(dimsOf([0.2, 0.9], { model: 'hvae' }));
      await settle();
      expect(sweep.level).toBe(1);
      expect([sweep.x, sweep.y]).toEqual([3, 2]);
      expect(sweep.pinned).toHaveLength(4);
    });

    it('an encoding for the other level is dropped (it would have the wrong length)', async () => {
      const { sweep, encodes } = await opened(HVAE, dimsOf([1, 2, 3, 4], { model: 'hvae' }));
      sweep.pickImage(7);
      sweep.setLevel(2);
      encodes[0]!.answer.resolve([1, 1, 1, 1]);
      await settle();
      expect(sweep.pinned).toEqual([0, 0]);
    });

    it('a T = 3 run offers every level: z3 is ranked once, z2 apart from it, each with its own size', async () => {
      const T3: SweepRun = { id: 6, model: 'hvae', latent: 4, latent2: 3, sizes: [4, 3, 2] };
      const { sweep, dims } = await opened(T3, dimsOf([1, 2, 3, 4], { model: 'hvae' }));
      expect(sweep.sizes).toEqual([4, 3, 2]);
      sweep.setLevel(3);
      expect(sweep.latent).toBe(2);
      expect(dims.at(-1)).toMatchObject({ level: 3 });
      dims.at(-1)!.answer.resolve(dimsOf([0.1, 0.7], { model: 'hvae' }));
      await settle();
      expect(sweep.spec).toMatchObject({ level: 3, dims: [1, 0] });
      sweep.setLevel(2);
      expect(sweep.latent).toBe(3);
      expect(dims.at(-1)).toMatchObject({ level: 2 });
      dims.at(-1)!.answer.resolve(dimsOf([0.5, 0.2, 0.9], { model: 'hvae' }));
      await settle();
      expect(sweep.spec).toMatchObject({ level: 2, dims: [2, 0] });
      sweep.setLevel(3);
      expect(dims).toHaveLength(3); // each level ranked once for the run
      expect(sweep.levelDims?.latent).toBe(2);
    });

    it('a new run starts again at level 1', async () => {
      const { sweep } = await opened(HVAE, dimsOf([1, 2, 3, 4], { model: 'hvae' }));
      sweep.setLevel(2);
      sweep.open(VAE);
      expect(sweep.level).toBe(1);
      expect(sweep.isHvae).toBe(false);
    });
  });

  it('asks for the data density under the grid when toggled, not over principal components', async () => {
    const { sweep } = await opened();
    expect(sweep.spec).not.toHaveProperty('density');
    sweep.density = true;
    expect(sweep.spec).toMatchObject({ kind: 'sweep', density: true });
    sweep.axes = 'pca';
    expect(sweep.spec).not.toHaveProperty('density');
  });

  it('lists the first few dims and pins until asked for all', async () => {
    const { sweep } = await opened({ id: 5, model: 'vae', latent: 20 }, dimsOf(Array.from({ length: 20 }, (_, i) => i)));
    expect(sweep.manyDims).toBe(true);
    expect(sweep.visibleDims).toHaveLength(8);
    expect(sweep.visiblePinned).toHaveLength(12);
    sweep.showAllDims = true;
    expect(sweep.visibleDims).toHaveLength(20);
    expect(sweep.visiblePinned).toHaveLength(18);
  });

  it('keeps the path a walk over the grid takes, from where the pins were, and forgets it with a new base', async () => {
    const { sweep } = await opened();
    expect(sweep.path).toEqual([]);
    // x = dim 1, y = dim 3 (the two most informative)
    sweep.walkTo(1, 2);
    sweep.walkTo(-1, 0.5);
    expect(sweep.path).toEqual([
      [0, 0, 0, 0],
      [0, 1, 0, 2],
      [0, -1, 0, 0.5],
    ]);
    sweep.chooseBase('zero');
    expect(sweep.path).toEqual([]);
    for (let i = 0; i < 70; i++) sweep.walkTo(i, 0);
    expect(sweep.path).toHaveLength(64);
    expect(sweep.path.at(-1)).toEqual([0, 69, 0, 0]);
  });

  it('asks for data ranges per axis when the range comes from the codes, and for +-range otherwise', async () => {
    const { sweep } = await opened();
    expect(sweep.spec).toMatchObject({ range: [-3, 3] });
    expect(sweep.spec).not.toHaveProperty('rangeFrom');
    sweep.rangeFrom = 'minmax';
    expect(sweep.spec).toMatchObject({ rangeFrom: 'minmax' });
    sweep.rangeFrom = 'fixed';
    expect(sweep.spec).not.toHaveProperty('rangeFrom');
  });

  it('sweeps PC1 and PC2 when the axes are principal components, whatever dims are picked', async () => {
    const { sweep } = await opened();
    sweep.rangeFrom = 'sd2';
    sweep.axes = 'pca';
    expect(sweep.spec).toMatchObject({ dims: [0, 1], axes: 'pca', range: [-3, 3] });
    expect(sweep.spec).not.toHaveProperty('rangeFrom');
    sweep.axes = 'dims';
    expect(sweep.spec).toMatchObject({ dims: [1, 3], rangeFrom: 'sd2' });
  });

  it('pins the other principal components with their own sliders, forgotten with a new run', async () => {
    const { sweep } = await opened();
    sweep.axes = 'pca';
    // a 4-dim run: sliders for PC3 and PC4
    expect(sweep.pcSliders).toEqual([2, 3]);
    expect(sweep.spec).not.toHaveProperty('pcOffsets');
    sweep.pinPc(3, 1.5);
    expect(sweep.spec).toMatchObject({ axes: 'pca', pcOffsets: [0, 0, 0, 1.5] });
    sweep.open(VAE);
    expect(sweep.pcPins).toEqual([]);
  });
});
