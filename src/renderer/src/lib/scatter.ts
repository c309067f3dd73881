// The scatter's axes: fitted to the points and the sweep's box together, so neither a cloud
// far from 0 nor a box larger than the cloud falls outside the plot.

export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface Bounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** the tick steps the limits are whole multiples of */
  xStep: number;
  yStep: number;
}

function span(values: Iterable<number>, pad: number): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return null;
  // a single value (or all equal) still gets a visible span around it
  const width = hi - lo || Math.max(Math.abs(lo) * 0.1, 0.5);
  const mid = (lo + hi) / 2;
  const half = (width / 2) * (1 + 2 * pad);
  return [mid - half, mid + half];
}

/** Widens [lo, hi] to whole steps of 1, 2, 2.5 or 5 x 10^k (about 5 of them), so the axis ends
 *  on round ticks rather than at -3.4 and 7.04. */
function nice([lo, hi]: [number, number]): [number, number, number] {
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step];
}

/** Axis limits holding every point and the box, with `pad` of the span on each side, on round ticks. */
export function scatterBounds(x: ArrayLike<number>, y: ArrayLike<number>, box: Box | null, pad = 0.04): Bounds {
  const xs = Array.from(x);
  const ys = Array.from(y);
  if (box) {
    xs.push(box.x0, box.x1);
    ys.push(box.y0, box.y1);
  }
  const [xMin, xMax, xStep] = nice(span(xs, pad) ?? [-3, 3]);
  const [yMin, yMax, yStep] = nice(span(ys, pad) ?? [-3, 3]);
  return { xMin, xMax, yMin, yMax, xStep, yStep };
}

/**
 * The bounds widened on one axis so that a unit is as long across as up on a plot area of w x h
 * pixels: a square sweep window stays square, and distances read the same in both directions.
 * The widened axis keeps its centre; its ticks stay on whole steps (ticksAt), not on its ends.
 */
export function equalAspect(b: Bounds, w: number, h: number): Bounds {
  if (!(w > 0 && h > 0)) return b;
  const xs = b.xMax - b.xMin;
  const ys = b.yMax - b.yMin;
  if (xs / w < ys / h) {
    const half = (ys * w) / h / 2;
    const c = (b.xMin + b.xMax) / 2;
    return { ...b, xMin: c - half, xMax: c + half };
  }
  const half = (xs * h) / w / 2;
  const c = (b.yMin + b.yMax) / 2;
  return { ...b, yMin: c - half, yMax: c + half };
}

/** The whole multiples of `step` from min to max: ticks that stay round on a widened axis. */
export function ticksAt(min: number, max: number, step: number): number[] {
  const out: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** The sweep's window (its grid's column and row values) as a box, or null without one. */
export function windowBox(win: { x: number[]; y: number[] } | null): Box | null {
  if (!win || !win.x.length || !win.y.length) return null;
  return { x0: Math.min(...win.x), x1: Math.max(...win.x), y0: Math.min(...win.y), y1: Math.max(...win.y) };
}

/** A 2-D Gaussian on the plot: its mean and [var x, cov xy, var y]. */
export interface PlotGaussian {
  mean: [number, number];
  cov: [number, number, number];
}

/**
 * The k-sd ellipse of a 2-D Gaussian as `steps` points in data units: mean + k C (cos t, sin t)
 * with C the Cholesky factor of the covariance. Drawn point by point through the axes' own
 * mappings, it stays right when x and y are on different scales.
 */
export function ellipsePoints(g: PlotGaussian, k = 2, steps = 64): { x: number; y: number }[] {
  const [vx, cxy, vy] = g.cov;
  const a = Math.sqrt(Math.max(vx, 0));
  const b = a > 0 ? cxy / a : 0;
  const c = Math.sqrt(Math.max(vy - b * b, 0));
  return Array.from({ length: steps + 1 }, (_, i) => {
    const t = (2 * Math.PI * i) / steps;
    const u = Math.cos(t);
    const v = Math.sin(t);
    return { x: g.mean[0] + k * a * u, y: g.mean[1] + k * (b * u + c * v) };
  });
}

/** The box around every k-sd ellipse, as extra x and y values for the axes to hold. */
export function ellipseExtents(gs: PlotGaussian[], k = 2): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (const g of gs) {
    const sx = k * Math.sqrt(Math.max(g.cov[0], 0));
    const sy = k * Math.sqrt(Math.max(g.cov[2], 0));
    x.push(g.mean[0] - sx, g.mean[0] + sx);
    y.push(g.mean[1] - sy, g.mean[1] + sy);
  }
  return { x, y };
}
