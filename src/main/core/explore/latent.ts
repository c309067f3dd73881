// Exploring a trained model: encode, decode, reconstruct, 2-D sweeps, interpolation, prior
// samples, per-dimension KL, scatter, class grids. Every function takes and returns plain
// typed arrays (images uint8 [n, h, w, c]) and disposes every tensor it makes.
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, Rng } from '../model/rng.js';
import { corrupt, klGaussians, oneHot, type VaeModel } from '../model/vae.js';
import type { NoiseKind } from '../types.js';
import { sweepValues, type Spacing } from './normal.js';

/** rows per forward pass: bounds memory for big inputs */
const BATCH = 1000;

export function pixelSize(m: VaeModel): number {
  return m.inputSize;
}

function count(m: VaeModel, pixels: Uint8Array): number {
  const d = m.inputSize;
  if (pixels.length % d !== 0) throw new Error(`pixels: ${pixels.length} bytes is not a whole number of ${m.shape.height}x${m.shape.width}x${m.shape.channels} images`);
  return pixels.length / d;
}

/** [n, D] in 0..1 from uint8 rows [from, from + n) */
function toInput(pixels: Uint8Array, d: number, from: number, n: number): tf.Tensor2D {
  const x = new Float32Array(n * d);
  const s = 1 / 255;
  const base = from * d;
  for (let i = 0; i < n * d; i++) x[i] = pixels[base + i]! * s;
  return tf.tensor2d(x, [n, d]);
}

/** 0..1 floats to bytes, rounding, clamped */
function toBytes(v: Float32Array | Int32Array | Uint8Array, out: Uint8Array, at = 0): Uint8Array {
  for (let i = 0; i < v.length; i++) {
    const f = v[i]!;
    out[at + i] = f <= 0 ? 0 : f >= 1 ? 255 : (f * 255 + 0.5) | 0;
  }
  return out;
}

function labelsFor(m: VaeModel, labels: Int32Array | number[] | undefined, n: number, from = 0): tf.Tensor2D | undefined {
  if (!m.conditional) return undefined;
  if (!labels) throw new Error('a cvae needs the images’ labels (or a label to generate)');
  const part = Array.from({ length: n }, (_, i) => labels[from + i] ?? -1);
  for (const l of part) if (!(l >= 0 && l < m.numClasses)) throw new Error(`label ${l} is not a class of this model (0..${m.numClasses - 1})`);
  return oneHot(part, m.numClasses);
}

function checkLevel(m: VaeModel, level: 1 | 2 | undefined): 1 | 2 {
  const l = level ?? 1;
  if (l === 2 && !m.priorZ1) throw new Error(`level 2 exists only in a hierarchical VAE; this is a ${m.config.model}`);
  return l;
}

/** Latent size at a level (z, or z1 / z2 of an hvae). */
export function latentSize(m: VaeModel, level: 1 | 2 = 1): number {
  return checkLevel(m, level) === 2 ? m.latent2 : m.latent;
}

export interface Encoded {
  /** [n * d] posterior means */
  mu: Float32Array;
  /** [n * d] posterior log-variances (zeros for ae / dae) */
  logvar: Float32Array;
}

/**
 * q(z|x) of each image: means and log-variances. level 2 (hvae): q(z2 | z1 = mean of
 * q(z1|x)).
 */
export function encodeImages(m: VaeModel, pixels: Uint8Array, labels?: Int32Array, level?: 1 | 2): Encoded {
  const n = count(m, pixels);
  const lv = checkLevel(m, level);
  const d = latentSize(m, lv);
  const mu = new Float32Array(n * d);
  const logvar = new Float32Array(n * d);
  for (let from = 0; from < n; from += BATCH) {
    const b = Math.min(BATCH, n - from);
    tf.tidy(() => {
      let q = m.encode(toInput(pixels, m.inputSize, from, b), labelsFor(m, labels, b, from));
      if (lv === 2) q = m.encodeTop!(q.mu);
      mu.set(q.mu.dataSync(), from * d);
      if (q.logvar) logvar.set(q.logvar.dataSync(), from * d);
    });
  }
  return { mu, logvar };
}

/** z [n, d] -> mean images [n, D] in 0..1 (level 2: through the mean of p(z1|z2)) */
function decodeTensor(m: VaeModel, z: tf.Tensor2D, y: tf.Tensor2D | undefined, level: 1 | 2): tf.Tensor2D {
  const z1 = level === 2 ? m.priorZ1!(z).mu : z;
  return m.decode(z1, y);
}

/** Decodes latent vectors z [n * d] to uint8 images [n, h, w, c]. */
export function decodeLatents(m: VaeModel, z: Float32Array, labels?: Int32Array | number[], level?: 1 | 2): Uint8Array {
  const lv = checkLevel(m, level);
  const d = latentSize(m, lv);
  if (z.length % d !== 0) throw new Error(`latents: ${z.length} values is not a whole number of ${d}-dimensional vectors`);
  const n = z.length / d;
  const out = new Uint8Array(n * m.inputSize);
  for (let from = 0; from < n; from += BATCH) {
    const b = Math.min(BATCH, n - from);
    tf.tidy(() => {
      const zt = tf.tensor2d(z.subarray(from * d, (from + b) * d), [b, d]);
      toBytes(decodeTensor(m, zt, labelsFor(m, labels, b, from), lv).dataSync() as Float32Array, out, from * m.inputSize);
    });
  }
  return out;
}

export interface Reconstruction {
  /** the corrupted input the encoder saw (denoising), [n, h, w, c] */
  noisy?: Uint8Array;
  /** decode(mean of q(z|x)), [n, h, w, c] */
  output: Uint8Array;
}

/**
 * Reconstructions through the posterior mean. With `noise` (default: a denoising model's
 * own corruption) the input is corrupted first and `noisy` holds what the encoder saw.
 */
export function reconstruct(m: VaeModel, pixels: Uint8Array, labels?: Int32Array, noise?: { kind: NoiseKind; level: number } | null, seed = 1): Reconstruction {
  const n = count(m, pixels);
  const nz = noise === undefined ? (m.config.model === 'dae' ? m.config.noise : undefined) : (noise ?? undefined);
  const d = m.inputSize;
  const output = new Uint8Array(n * d);
  const noisy = nz && nz.level > 0 ? new Uint8Array(n * d) : undefined;
  for (let from = 0, bi = 0; from < n; from += BATCH, bi++) {
    const b = Math.min(BATCH, n - from);
    tf.tidy(() => {
      let x = toInput(pixels, d, from, b);
      if (noisy && nz) {
        x = corrupt(x, nz, new Rng(deriveSeed(seed, 0x4e4f, bi)));
        toBytes(x.dataSync() as Float32Array, noisy, from * d);
      }
      const y = labelsFor(m, labels, b, from);
      toBytes(m.decode(m.encode(x, y).mu, y).dataSync() as Float32Array, output, from * d);
    });
  }
  return noisy ? { noisy, output } : { output };
}

export interface SweepSpec {
  /** the two latent dimensions: x (columns) and y (rows) */
  dims: [number, number];
  range: [number, number];
  /** tiles per side */
  grid: number;
  spacing?: Spacing;
  /** values of every latent dimension; the two swept ones are overwritten */
  base: Float32Array;
  /** cvae: the class to draw */
  label?: number;
  /** hvae: sweep z1 (1, decoded directly) or z2 (2, through the mean of p(z1|z2)) */
  level?: 1 | 2;
}

export interface SweepGrid {
  /** [grid * grid, h, w, c], row-major: row r, column c at r * grid + c */
  tiles: Uint8Array;
  /** value of dims[0] per column, left to right (ascending) */
  xValues: number[];
  /** value of dims[1] per row, top to bottom (descending, like a plot's y axis) */
  yValues: number[];
}

/** The 2-D sweep: dims[0] along columns, dims[1] along rows, every other dim pinned to base. */
export function sweepGrid(m: VaeModel, spec: SweepSpec): SweepGrid {
  const lv = checkLevel(m, spec.level);
  const d = latentSize(m, lv);
  const [dx, dy] = spec.dims;
  for (const k of spec.dims) if (!Number.isInteger(k) || k < 0 || k >= d) throw new Error(`sweep: dimension ${k} does not exist (latent size ${d})`);
  if (dx === dy) throw new Error('sweep: the two dimensions must differ');
  if (spec.base.length !== d) throw new Error(`sweep: base has ${spec.base.length} values, the latent has ${d}`);
  const g = spec.grid;
  if (!Number.isInteger(g) || g < 1 || g > 64) throw new Error(`sweep: grid must be an integer 1..64, got ${g}`);
  const xValues = sweepValues(spec.range, g, spec.spacing ?? 'linear');
  const yValues = [...xValues].reverse();
  const z = new Float32Array(g * g * d);
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      const o = (r * g + c) * d;
      z.set(spec.base, o);
      z[o + dx] = xValues[c]!;
      z[o + dy] = yValues[r]!;
    }
  }
  const labels = m.conditional ? new Array<number>(g * g).fill(spec.label ?? 0) : undefined;
  return { tiles: decodeLatents(m, z, labels, lv), xValues, yValues };
}

/** Spherical interpolation, falling back to linear when the vectors are (anti)parallel. */
function slerp(a: Float32Array, b: Float32Array, t: number, out: Float32Array, at: number): void {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  const cos = dot / (Math.sqrt(na * nb) || 1);
  const omega = Math.acos(Math.max(-1, Math.min(1, cos)));
  const s = Math.sin(omega);
  if (s < 1e-6) {
    for (let i = 0; i < a.length; i++) out[at + i] = a[i]! + (b[i]! - a[i]!) * t;
    return;
  }
  const wa = Math.sin((1 - t) * omega) / s;
  const wb = Math.sin(t * omega) / s;
  for (let i = 0; i < a.length; i++) out[at + i] = wa * a[i]! + wb * b[i]!;
}

/** `steps` images from za to zb inclusive, [steps, h, w, c]. */
export function interpolate(m: VaeModel, za: Float32Array, zb: Float32Array, steps: number, mode: 'linear' | 'slerp' = 'linear', label?: number): Uint8Array {
  const d = m.latent;
  if (za.length !== d || zb.length !== d) throw new Error(`interpolate: both ends need ${d} values, got ${za.length} and ${zb.length}`);
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`interpolate: steps must be an integer >= 2, got ${steps}`);
  const z = new Float32Array(steps * d);
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    if (mode === 'slerp') slerp(za, zb, t, z, s * d);
    else for (let i = 0; i < d; i++) z[s * d + i] = za[i]! + (zb[i]! - za[i]!) * t;
  }
  return decodeLatents(m, z, m.conditional ? new Array<number>(steps).fill(label ?? 0) : undefined);
}

/** d standard normal values from a seed */
export function randomNormal(d: number, seed: number): Float32Array {
  return new Rng(deriveSeed(seed, 0x524e)).fillNormal(new Float32Array(d));
}

/**
 * n samples from the prior: z ~ N(0, I) (hvae: z2 ~ N(0, I), then z1 ~ p(z1|z2)), decoded
 * to the mean image. An AE has no prior; it gets N(0, I) too, which shows its gaps.
 */
export function samplePrior(m: VaeModel, n: number, seed: number, label?: number): Uint8Array {
  const rng = new Rng(deriveSeed(seed, 0x5350));
  const labels = m.conditional ? new Array<number>(n).fill(label ?? 0) : undefined;
  if (!m.priorZ1) return decodeLatents(m, rng.fillNormal(new Float32Array(n * m.latent)), labels);
  const z1 = tf.tidy(() => {
    const p = m.priorZ1!(tf.tensor2d(rng.fillNormal(new Float32Array(n * m.latent2)), [n, m.latent2]));
    const eps = tf.tensor2d(rng.fillNormal(new Float32Array(n * m.latent)), [n, m.latent]);
    return tf.add(p.mu, tf.mul(tf.exp(tf.mul(p.logvar!, 0.5)), eps)).dataSync() as Float32Array;
  });
  return decodeLatents(m, z1, labels);
}

export interface DimensionStats {
  /** per dimension: KL of the posterior from the prior, averaged over the images */
  kl: number[];
  /** per dimension: variance of the posterior mean across the images */
  muVariance: number[];
  /** dimensions whose posterior mean varies with variance > 0.01 (Burda et al.) */
  activeUnits: number;
}

/**
 * Per-dimension KL and activity on a set of images (of z, or z1 for hvae, where the prior
 * of z1 is p(z1 | z2 = mean of q(z2|z1))). An AE has no KL: zeros, ranked by variance.
 */
export function perDimensionKl(m: VaeModel, pixels: Uint8Array, labels?: Int32Array): DimensionStats {
  const n = count(m, pixels);
  const d = m.latent;
  const kl = new Float64Array(d);
  const s1 = new Float64Array(d);
  const s2 = new Float64Array(d);
  for (let from = 0; from < n; from += BATCH) {
    const b = Math.min(BATCH, n - from);
    tf.tidy(() => {
      const q = m.encode(toInput(pixels, m.inputSize, from, b), labelsFor(m, labels, b, from));
      const mu = q.mu.dataSync();
      for (let i = 0; i < b; i++) {
        for (let j = 0; j < d; j++) {
          const v = mu[i * d + j]!;
          s1[j] += v;
          s2[j] += v * v;
        }
      }
      if (!q.logvar) return;
      let perDim: tf.Tensor2D;
      if (m.priorZ1) {
        const p = m.priorZ1(m.encodeTop!(q.mu).mu);
        perDim = klGaussians(q.mu, q.logvar, p.mu, p.logvar!);
      } else {
        // per dimension: 0.5 (mu^2 + exp(lv) - 1 - lv)
        perDim = tf.mul(tf.sub(tf.add(tf.square(q.mu), tf.exp(q.logvar)), tf.add(q.logvar, 1)), 0.5) as tf.Tensor2D;
      }
      const sums = tf.sum(perDim, 0).dataSync();
      for (let j = 0; j < d; j++) kl[j] += sums[j]!;
    });
  }
  const muVariance = Array.from({ length: d }, (_, j) => (n > 1 ? Math.max(0, (s2[j]! - (s1[j]! * s1[j]!) / n) / (n - 1)) : 0));
  return {
    kl: Array.from(kl, (v) => (n ? v / n : 0)),
    muVariance,
    activeUnits: muVariance.filter((v) => v > 0.01).length,
  };
}

/** Two latent coordinates (posterior means) per image, for a scatter plot. */
export function scatter(m: VaeModel, pixels: Uint8Array, labels: Int32Array | undefined, dims: [number, number]): { x: Float32Array; y: Float32Array } {
  const d = m.latent;
  for (const k of dims) if (!Number.isInteger(k) || k < 0 || k >= d) throw new Error(`scatter: dimension ${k} does not exist (latent size ${d})`);
  const { mu } = encodeImages(m, pixels, labels);
  const n = mu.length / d;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = mu[i * d + dims[0]]!;
    y[i] = mu[i * d + dims[1]]!;
  }
  return { x, y };
}

export interface ClassSweepSpec {
  dim: number;
  range: [number, number];
  steps: number;
  spacing?: Spacing;
  /** values of the other dimensions (default zeros) */
  base?: Float32Array;
}

/** CVAE: rows = classes, columns = one latent dimension swept, [rows * steps, h, w, c]. */
export function classSweep(m: VaeModel, spec: ClassSweepSpec): { rows: number; tiles: Uint8Array; values: number[] } {
  if (!m.conditional) throw new Error(`class sweeps need a conditional VAE; this is a ${m.config.model}`);
  const d = m.latent;
  if (!Number.isInteger(spec.dim) || spec.dim < 0 || spec.dim >= d) throw new Error(`class sweep: dimension ${spec.dim} does not exist (latent size ${d})`);
  const base = spec.base ?? new Float32Array(d);
  if (base.length !== d) throw new Error(`class sweep: base has ${base.length} values, the latent has ${d}`);
  const values = sweepValues(spec.range, spec.steps, spec.spacing ?? 'linear');
  const rows = m.numClasses;
  const z = new Float32Array(rows * spec.steps * d);
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < spec.steps; c++) {
      const o = (r * spec.steps + c) * d;
      z.set(base, o);
      z[o + spec.dim] = values[c]!;
      labels.push(r);
    }
  }
  return { rows, tiles: decodeLatents(m, z, labels), values };
}
