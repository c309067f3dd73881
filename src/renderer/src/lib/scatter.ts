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

/** Axis limits holding every point and the box, with `pad` of the span on each side. */
export function scatterBounds(x: ArrayLike<number>, y: ArrayLike<number>, box: Box | null, pad = 0.04): Bounds {
  const xs = Array.from(x);
  const ys = Array.from(y);
  if (box) {
    xs.push(box.x0, box.x1);
    ys.push(box.y0, box.y1);
  }
  const [xMin, xMax] = span(xs, pad) ?? [-3, 3];
  const [yMin, yMax] = span(ys, pad) ?? [-3, 3];
  return { xMin, xMax, yMin, yMax };
}

/** The sweep's window (its grid's column and row values) as a box, or null without one. */
export function windowBox(win: { x: number[]; y: number[] } | null): Box | null {
  if (!win || !win.x.length || !win.y.length) return null;
  return { x0: Math.min(...win.x), x1: Math.max(...win.x), y0: Math.min(...win.y), y1: Math.max(...win.y) };
}
