// The sweep's state: which two dimensions span the grid, at which level (HVAE), how wide and
// how fine, and where the other dimensions are pinned. The Explore view's panels read and
// change it; it turns all of that into the one GridSpec the view draws and exports.
// One instance per Explore view, not a module singleton: leaving the view forgets the sweep,
// as it did when this state lived in the component.
import { latest } from '../lib/latest';
import { seededNormals } from '../lib/rng';
import type { DimInfo, DimsResult, GridSpec, SweepBase } from '../../../shared/contract';

export type BaseMode = 'zero' | 'image' | 'random';
/** 1 = z1 (bottom) .. T = the top level of a T-level HVAE */
export type Level = number;

/** What the sweep needs to know of the run it explores. */
export interface SweepRun {
  id: number;
  model: DimsResult['model'];
  latent: number;
  /** HVAE: the top level's size */
  latent2?: number;
  /** HVAE: every level's size, bottom first (default [latent, latent2]) */
  sizes?: number[];
}

/** The calls the sweep makes; injected, so tests can answer them late and out of order. */
export interface SweepSource {
  dims(runId: number, level: Level): Promise<DimsResult>;
  /** the encoded mean of a dataset image at a level */
  encode(runId: number, index: number, level: Level): Promise<number[]>;
  onError(err: unknown, context: string): void;
}

// the list shows the most informative few until asked for all (a 256-dim run is a long page)
const SHOWN_DIMS = 8;
const SHOWN_PINS = 12;
const MAX_PATH = 64;
// the sweep panel's sliders (and the contract's grid limits)
export const RANGE = { min: 0.5, max: 6 } as const;
export const GRID = { min: 2, max: 32 } as const;

const zeros = (n: number): number[] => new Array<number>(n).fill(0);
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

export class Sweep {
  #run = $state.raw<SweepRun | null>(null);
  #dims = $state.raw<DimsResult | null>(null);
  // HVAE: the upper levels' dimensions, each ranked by its own KL (fetched when its level is chosen)
  #upper = $state.raw<Record<number, DimsResult>>({});
  #error = $state('');
  #level = $state<Level>(1);
  #x = $state(0);
  #y = $state(1);
  #range = $state(3);
  #grid = $state(16);
  #baseMode = $state<BaseMode>('zero');
  #baseImage = $state<number | null>(null);
  #seed = $state(1);
  #pinned = $state<number[]>([]);
  // the user moved a pin (or walked): the base is then the pinned values, whatever the mode
  #touched = $state(false);
  // the points a walk over the grid visited, in order (an animation can follow them)
  #path = $state.raw<number[][]>([]);

  /** bound straight to their controls: any value is valid */
  spacing = $state<'linear' | 'normal'>('linear');
  /** 'fixed': +-range on both axes; else each axis over its dim's data range (+-2 sd or min..max of the encoded test means) */
  rangeFrom = $state<'fixed' | 'sd2' | 'minmax'>('fixed');
  /** 'pca': sweep PC1 and PC2 of the encoded test means (in their sd) instead of two dims */
  axes = $state<'dims' | 'pca'>('dims');
  /** with axes 'pca': where PC3, PC4, ... sit, in their standard deviations (index 0 = PC1) */
  #pcPins = $state<number[]>([]);
  label = $state(0);
  showAllDims = $state(false);
  /** also the density of the encoded training set over the window (two latent dims only) */
  density = $state(false);

  readonly #source: SweepSource;
  // one counter per kind of answer, so a late one never overwrites a newer choice
  readonly #loads = latest();
  readonly #topLoads = latest();
  readonly #encodes = latest();

  constructor(source: SweepSource) {
    this.#source = source;
  }

  get run(): SweepRun | null {
    return this.#run;
  }
  /** the bottom level's figures (labels, test images, model); null while they are measured */
  get dims(): DimsResult | null {
    return this.#dims;
  }
  get error(): string {
    return this.#error;
  }
  get level(): Level {
    return this.#level;
  }
  get x(): number {
    return this.#x;
  }
  get y(): number {
    return this.#y;
  }
  get baseMode(): BaseMode {
    return this.#baseMode;
  }
  get baseImage(): number | null {
    return this.#baseImage;
  }
  get seed(): number {
    return this.#seed;
  }
  get pinned(): readonly number[] {
    return this.#pinned;
  }
  get touched(): boolean {
    return this.#touched;
  }
  get pcPins(): readonly number[] {
    return this.#pcPins;
  }
  /** Pin principal component k (0 = PC1) at v standard deviations. */
  pinPc(k: number, v: number): void {
    const next = [...this.#pcPins];
    while (next.length <= k) next.push(0);
    next[k] = v;
    this.#pcPins = next;
  }
  /** the points clicked through since the run, level or base last changed (at most MAX_PATH) */
  get path(): readonly number[][] {
    return this.#path;
  }

  get range(): number {
    return this.#range;
  }
  set range(v: number) {
    this.#range = clamp(v, RANGE.min, RANGE.max);
  }
  get gridSize(): number {
    return this.#grid;
  }
  set gridSize(n: number) {
    this.#grid = clamp(Math.round(n), GRID.min, GRID.max);
  }

  readonly isCvae = $derived(this.#run?.model === 'cvae');
  readonly isHvae = $derived(this.#run?.model === 'hvae');
  /** HVAE: every level's size, bottom first */
  readonly sizes: number[] = $derived(
    this.#run?.sizes ?? (this.#run?.latent2 ? [this.#run.latent, this.#run.latent2] : this.#run ? [this.#run.latent] : []),
  );
  /** the figures of the level being swept */
  readonly levelDims = $derived(this.#level === 1 ? this.#dims : (this.#upper[this.#level] ?? null));
  readonly latent: number = $derived(
    this.levelDims?.latent ?? (this.#level > 1 ? this.sizes[this.#level - 1] : undefined) ?? this.#dims?.latent ?? this.#run?.latent ?? 2,
  );
  /** the components a PCA sweep offers sliders for: PC3 up to PC10, as the latent allows */
  readonly pcSliders = $derived(Array.from({ length: Math.max(0, Math.min(this.latent, 10) - 2) }, (_, k) => k + 2));
  /** dims by KL, most informative first (index order until the level's figures arrive) */
  readonly ranked: DimInfo[] = $derived(
    this.levelDims ? this.levelDims.dims : Array.from({ length: this.latent }, (_, i) => ({ index: i, kl: 0, variance: 0 })),
  );
  readonly maxKl = $derived(Math.max(1e-9, ...this.ranked.map((d) => d.kl)));
  /** more dims than the short list shows */
  readonly manyDims = $derived(this.ranked.length > SHOWN_DIMS);
  readonly visibleDims = $derived(this.showAllDims ? this.ranked : this.ranked.slice(0, SHOWN_DIMS));
  /** the dims held fixed while the two swept ones vary */
  readonly pinnedDims = $derived(this.ranked.filter((d) => d.index !== this.#x && d.index !== this.#y));
  readonly visiblePinned = $derived(this.showAllDims ? this.pinnedDims : this.pinnedDims.slice(0, SHOWN_PINS));
  /** whether the pins sit somewhere worth marking on the grid (not the prior's centre) */
  readonly offCentre = $derived(this.#touched || this.#baseMode !== 'zero');

  /** the base as the service takes it: a named one while untouched, else the values shown */
  readonly base: SweepBase = $derived.by(() => {
    if (!this.#touched && this.#baseMode === 'zero') return { kind: 'zero' };
    if (!this.#touched && this.#baseMode === 'image' && this.#baseImage !== null) return { kind: 'image', index: this.#baseImage };
    return { kind: 'values', values: this.#pinned.map((v) => Math.round(v * 1000) / 1000) };
  });

  /** what to draw; null until the run's dims are in */
  readonly spec: GridSpec | null = $derived.by(() => {
    const run = this.#run;
    if (!run || !this.#dims || this.#x === this.#y) return null;
    return {
      kind: 'sweep',
      runId: run.id,
      dims: this.axes === 'pca' ? [0, 1] : [this.#x, this.#y],
      range: [-this.#range, this.#range],
      grid: this.#grid,
      spacing: this.spacing,
      base: this.base,
      ...(this.axes === 'pca'
        ? { axes: 'pca' as const, ...(this.#pcPins.some((v) => v !== 0) ? { pcOffsets: [...this.#pcPins] } : {}) }
        : this.rangeFrom !== 'fixed'
          ? { rangeFrom: this.rangeFrom }
          : {}),
      ...(this.isCvae ? { label: this.label } : {}),
      ...(this.isHvae ? { level: this.#level } : {}),
      ...(this.density && this.axes !== 'pca' && !this.isCvae ? { density: true } : {}),
    };
  });

  /**
   * A new run (or none): forget the last one and measure this one's dims; the sweep starts
   * from its two most informative, pinned at zero. `side` is the images' side in pixels.
   * Returns a cancel for the measuring, for the caller's $effect teardown.
   */
  open(run: SweepRun | null, side = 28): () => void {
    this.#encodes.cancel();
    this.#topLoads.cancel();
    this.#run = run;
    this.#dims = null;
    this.#upper = {};
    this.#error = '';
    this.#level = 1;
    this.label = 0;
    this.#baseMode = 'zero';
    this.#baseImage = null;
    this.#touched = false;
    this.#path = [];
    this.#pcPins = [];
    this.#pinned = zeros(run?.latent ?? 0);
    // big images (faces) read better as fewer, larger tiles
    this.#grid = side > 32 ? 8 : 16;
    if (!run) {
      this.#loads.cancel();
      return () => {};
    }
    return this.#loads(
      this.#source.dims(run.id, 1),
      (d) => {
        this.#dims = d;
        this.#startAt(d);
      },
      (err) => (this.#error = err instanceof Error ? err.message : String(err)),
    );
  }

  /** Sweep `index` along an axis; taking the other axis's dim swaps the two. */
  setDim(axis: 'x' | 'y', index: number): void {
    if (axis === 'x') {
      if (index === this.#y) this.#y = this.#x;
      this.#x = index;
    } else {
      if (index === this.#x) this.#x = this.#y;
      this.#y = index;
    }
  }

  /** HVAE: each level (1..T) has its own dims; start from its two most informative, pinned at zero. */
  setLevel(level: Level): void {
    const run = this.#run;
    if (!run || level === this.#level) return;
    this.#encodes.cancel();
    this.#level = level;
    this.#baseMode = 'zero';
    this.#baseImage = null;
    this.#touched = false;
    this.#path = [];
    this.#pcPins = [];
    this.#pinned = zeros(this.latent);
    this.#startAt(this.levelDims);
    if (level === 1 || this.#upper[level]) return;
    this.#topLoads(
      this.#source.dims(run.id, level),
      (d) => {
        this.#upper = { ...this.#upper, [level]: d };
        if (this.#level === level) this.#startAt(d); // not if the user went to another level meanwhile
      },
      (err) => this.#source.onError(err, level === this.sizes.length ? 'Ranking the top level' : `Ranking level z${level}`),
    );
  }

  /** Where the other dims sit: at zero, at a test image's code, or at a seeded random draw. */
  chooseBase(mode: BaseMode): void {
    this.#encodes.cancel();
    this.#baseMode = mode;
    this.#touched = false;
    this.#path = [];
    if (mode === 'zero') this.#pinned = zeros(this.latent);
    else if (mode === 'random') this.#pinned = seededNormals(this.latent, this.#seed);
    else {
      const index = this.#baseImage ?? this.#dims?.testIndices[0];
      if (index !== undefined) this.pickImage(index);
    }
  }

  /** Another random draw for the pins. */
  reroll(): void {
    this.#seed += 1;
    this.chooseBase('random');
  }

  /** Pin the other dims at this dataset image's encoded mean. */
  pickImage(index: number): void {
    const run = this.#run;
    if (!run) return;
    this.#baseMode = 'image';
    this.#baseImage = index;
    this.#encodes(
      this.#source.encode(run.id, index, this.#level),
      (mu) => {
        this.#pinned = mu.map((v) => Math.round(v * 100) / 100);
        this.#touched = false;
      },
      (err) => this.#source.onError(err, 'Encoding the image'),
    );
  }

  /** The user moved one pin; an encoding still on its way must not move it back. */
  pin(index: number, value: number): void {
    this.#encodes.cancel();
    this.#pinned[index] = value;
    this.#touched = true;
  }

  /** Move the point to a grid cell's values (click to walk there). */
  walkTo(zx: number, zy: number): void {
    this.#encodes.cancel();
    // the walk starts where the pins were
    const from = this.#path.length === 0 ? [[...this.#pinned]] : this.#path;
    this.#pinned[this.#x] = zx;
    this.#pinned[this.#y] = zy;
    this.#touched = true;
    this.#path = [...from, [...this.#pinned]].slice(-MAX_PATH);
  }

  // the one place that picks the swept pair: a level's two most informative dims
  #startAt(d: DimsResult | null): void {
    this.#x = d?.dims[0]?.index ?? 0;
    this.#y = d?.dims[1]?.index ?? 1;
    if (this.#pinned.length !== this.latent) this.#pinned = zeros(this.latent);
  }
}
