// explore/: written by the explore engineer (split off by the lead); the ML-engine engineer builds on it, does not rewrite it.
// Walks through latent space: 2-D sweeps with every other dimension pinned, interpolation,
// class-by-value grids. Each builds all its latents in one typed array and decodes them in
// as few batched passes as possible: a 16x16 grid is one decode of 256 rows, no per-tile work.
import type { VaeModel } from '../model/vae.js';
import { priorMean } from './codec.js';
import { checkClass, decodeRows, latentAt, rowLabels, type Level } from './tensors.js';

export type Spacing = 'linear' | 'normal';

// Acklam's rational approximation of the inverse normal CDF (relative error < 1.15e-9).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Quantile function of N(0, 1): inverseNormalCdf(0.975) = 1.959964... */
export function inverseNormalCdf(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`inverseNormalCdf: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const tail = (q: number): number =>
    (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  if (p < P_LOW) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - P_LOW) return -tail(Math.sqrt(-2 * Math.log1p(-p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
    (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1)
  );
}

/**
 * n values from range[0] to range[1], both ends included. 'linear': evenly spaced. 'normal':
 * Kingma & Welling's manifold figure, equal steps of probability mass instead of equal steps
 * of z: the quantiles (i + 0.5) / n through the inverse normal CDF, scaled so the outermost
 * values are the range ends (denser near the middle, where a trained VAE puts most codes).
 */
export function sweepValues(range: [number, number], n: number, spacing: Spacing): number[] {
  const [a, b] = range;
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new Error(`sweepValues: range must be two finite numbers, got [${range}]`);
  if (!Number.isInteger(n) || n < 1) throw new Error(`sweepValues: n must be an integer >= 1, got ${n}`);
  if (spacing !== 'linear' && spacing !== 'normal') throw new Error(`sweepValues: spacing must be linear|normal, got ${String(spacing)}`);
  if (n === 1) return [(a + b) / 2];
  // t in [-1, 1], computed for the lower half and mirrored so the grid is exactly symmetric
  const t = new Array<number>(n);
  const qEnd = spacing === 'normal' ? inverseNormalCdf(0.5 / n) : 0;
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    const v = spacing === 'linear' ? (2 * i) / (n - 1) - 1 : inverseNormalCdf((i + 0.5) / n) / -qEnd;
    t[i] = i === 0 ? -1 : v;
    t[n - 1 - i] = -t[i]!;
  }
  if (n % 2 === 1) t[(n - 1) / 2] = 0;
  const mid = (a + b) / 2;
  const half = (b - a) / 2;
  const out = t.map((v) => mid + half * v);
  out[0] = a;
  out[n - 1] = b;
  return out;
}

export interface SweepSpec {
  /** [x dim, y dim]: the x dim varies along columns, the y dim along rows */
  dims: [number, number];
  range: [number, number];
  /** the y dim's own range (default: range) */
  yRange?: [number, number];
  /** tiles per side */
  grid: number;
  spacing: Spacing;
  /** [latent] the values every other dimension is pinned to */
  base: Float32Array;
  /** class for a conditional model */
  label?: number;
  /** hvae: sweep z2 (2) instead of z1 (1) */
  level?: Level;
  /** each tile area-averaged by this factor (see decodeRows); 1 = full size */
  shrink?: number;
}

/**
 * grid x grid images, row-major: tile (r, c) = decode(base with z[dims[0]] = xValues[c],
 * z[dims[1]] = yValues[r]); yValues run from range[1] down to range[0] (top row = largest, as
 * on a plot). With dims[0] === dims[1] the y value wins: a 1-D sweep down the rows.
 */
export function sweepGrid(m: VaeModel, spec: SweepSpec): { tiles: Uint8Array; xValues: number[]; yValues: number[] } {
  const L = latentAt(m, spec.level, 'sweepGrid');
  const [dx, dy] = spec.dims;
  for (const d of [dx, dy]) {
    if (!Number.isInteger(d) || d < 0 || d >= L) throw new Error(`explore.sweepGrid: dims: ${d} is not a latent dimension (0..${L - 1})`);
  }
  if (!Number.isInteger(spec.grid) || spec.grid < 1 || spec.grid > 64)
    throw new Error(`explore.sweepGrid: grid must be an integer 1..64, got ${spec.grid}`);
  if (spec.base.length !== L) throw new Error(`explore.sweepGrid: base has ${spec.base.length} values; the latent has ${L}`);
  const g = spec.grid;
  const xValues = sweepValues(spec.range, g, spec.spacing);
  const yValues = (spec.yRange ? sweepValues(spec.yRange, g, spec.spacing) : xValues).slice().reverse();
  const z = new Float32Array(g * g * L); // [g*g, L]
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      const o = (r * g + c) * L;
      z.set(spec.base, o);
      z[o + dx] = xValues[c]!;
      z[o + dy] = yValues[r]!;
    }
  }
  const tiles = decodeRows(m, z, g * g, rowLabels(m, spec.label, g * g, 'sweepGrid'), spec.level, spec.shrink);
  return { tiles, xValues, yValues };
}

/**
 * `steps` images from decode(za) to decode(zb), both ends included. 'slerp' follows the great
 * circle between the full vectors (codes of a VAE live near a shell of radius sqrt(d), which a
 * straight line cuts through); nearly parallel vectors fall back to the straight line.
 */
export function interpolate(
  m: VaeModel,
  za: Float32Array,
  zb: Float32Array,
  steps: number,
  mode: 'linear' | 'slerp',
  label?: number,
  level?: Level,
): Uint8Array {
  // level 2 (hvae): the points are top-level codes, decoded through the mean of p(z1|z2)
  const L = latentAt(m, level, 'interpolate');
  if (za.length !== L || zb.length !== L)
    throw new Error(`explore.interpolate: za and zb must have ${L} values each, got ${za.length} and ${zb.length}`);
  const z = blendPoints(za, zb, steps, mode);
  return decodeRows(m, z, steps, rowLabels(m, label, steps, 'interpolate'), level ?? 1);
}

/** The latents of interpolate: [steps, L] from za to zb, both ends exactly the inputs. */
export function blendPoints(za: Float32Array, zb: Float32Array, steps: number, mode: 'linear' | 'slerp'): Float32Array {
  const L = za.length;
  if (zb.length !== L) throw new Error(`explore.blendPoints: za has ${L} values, zb ${zb.length}`);
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`explore.interpolate: steps must be an integer >= 2, got ${steps}`);
  if (mode !== 'linear' && mode !== 'slerp') throw new Error(`explore.interpolate: mode must be linear|slerp, got ${String(mode)}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < L; i++) {
    dot += za[i]! * zb[i]!;
    na += za[i]! * za[i]!;
    nb += zb[i]! * zb[i]!;
  }
  const cos = na > 0 && nb > 0 ? Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb))) : 1;
  const omega = Math.acos(cos);
  const useSlerp = mode === 'slerp' && Math.sin(omega) > 1e-6;
  const z = new Float32Array(steps * L); // [steps, L]
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    const wa = useSlerp ? Math.sin((1 - t) * omega) / Math.sin(omega) : 1 - t;
    const wb = useSlerp ? Math.sin(t * omega) / Math.sin(omega) : t;
    for (let i = 0; i < L; i++) z[s * L + i] = wa * za[i]! + wb * zb[i]!;
  }
  // the ends are the inputs exactly, whatever the rounding of the weights
  z.set(za, 0);
  z.set(zb, (steps - 1) * L);
  return z;
}

/**
 * CVAE: one row per class (0..numClasses-1), one column per value of `dim` swept linearly over
 * range, every other dimension zero: what the label controls against what the code controls.
 */
export function classSweep(
  m: VaeModel,
  spec: { dim: number; range: [number, number]; steps: number },
): { tiles: Uint8Array; rows: number; values: number[] } {
  if (!m.conditional) throw new Error(`explore.classSweep: needs a conditional VAE (cvae); this is a ${m.config.model} model`);
  const L = m.latent;
  if (!Number.isInteger(spec.dim) || spec.dim < 0 || spec.dim >= L)
    throw new Error(`explore.classSweep: dim ${spec.dim} is not a latent dimension (0..${L - 1})`);
  if (!Number.isInteger(spec.steps) || spec.steps < 1)
    throw new Error(`explore.classSweep: steps must be an integer >= 1, got ${spec.steps}`);
  const values = sweepValues(spec.range, spec.steps, 'linear');
  const rows = m.numClasses;
  const n = rows * spec.steps;
  const z = new Float32Array(n * L); // [rows*steps, L]
  const labels = new Int32Array(n);
  for (let r = 0; r < rows; r++) {
    checkClass(m, r, 'classSweep');
    // with a learned prior each class lives around its own centre: sweep from there
    const centre = m.priorZ ? priorMean(m, r) : null;
    for (let c = 0; c < spec.steps; c++) {
      if (centre) z.set(centre, (r * spec.steps + c) * L);
      z[(r * spec.steps + c) * L + spec.dim] = (centre ? centre[spec.dim]! : 0) + values[c]!;
      labels[r * spec.steps + c] = r;
    }
  }
  return { tiles: decodeRows(m, z, n, labels, 1), rows, values };
}
