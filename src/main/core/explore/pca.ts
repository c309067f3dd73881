// The linear baseline the notes contrast the autoencoder with: PCA with as many components as
// the model has latent units, fitted on training images and scored on the test images as
// evaluate scores the model (mean squared error of the reconstruction, pixels in 0..1, and PSNR).
// The top eigenvectors of the covariance come from orthogonal (subspace) iteration.
import * as tf from '@tensorflow/tfjs-core';
import { BATCH, pixelBatch } from './tensors.js';

export interface Pca {
  /** [D] the training images' mean */
  mean: Float32Array;
  /** [D, components] orthonormal columns, the leading principal directions */
  basis: Float32Array;
  components: number;
  /** variance along each direction, largest first */
  variances: number[];
}

export interface PcaOptions {
  /** subspace iterations at most (default 300) */
  iterations?: number;
  /** stop when the captured variance changes by less than this share (default 1e-7) */
  tolerance?: number;
}

/** Fits PCA with `components` directions to n images of D bytes each (uint8 0..255). */
export function fitPca(pixels: Uint8Array, D: number, components: number, opts: PcaOptions = {}): Pca {
  const n = pixels.length / D;
  if (!Number.isInteger(n) || n < 2)
    throw new Error(`explore.fitPca: pixels must hold at least 2 images of ${D} bytes, got ${pixels.length} bytes`);
  if (!Number.isInteger(components) || components < 1 || components > Math.min(D, n)) {
    throw new Error(`explore.fitPca: components must be an integer 1..${Math.min(D, n)}, got ${components}`);
  }
  const iterations = opts.iterations ?? 300;
  const tolerance = opts.tolerance ?? 1e-7;
  // mean and covariance [D, D] in batches; the sums stay tensors, the batches are freed
  let sum = tf.zeros([D]) as tf.Tensor1D;
  let gram = tf.zeros([D, D]) as tf.Tensor2D;
  for (let s = 0; s < n; s += BATCH) {
    const b = Math.min(BATCH, n - s);
    const [ns, ng] = tf.tidy(() => {
      const x = pixelBatch(pixels, s, b, D);
      return [tf.add(sum, tf.sum(x, 0)), tf.add(gram, tf.matMul(tf.transpose(x), x))];
    });
    tf.dispose([sum, gram]);
    [sum, gram] = [ns as tf.Tensor1D, ng as tf.Tensor2D];
  }
  const cov = tf.tidy(() => {
    const mu = tf.div(sum, n);
    return tf.sub(tf.div(gram, n), tf.matMul(tf.reshape(mu, [D, 1]), tf.reshape(mu, [1, D])));
  });
  const mean = tf.tidy(() => tf.div(sum, n).dataSync() as Float32Array).slice();
  tf.dispose([sum, gram]);
  try {
    let q = orthonormalize(seededStart(D, components), D, components);
    let captured = -1;
    for (let it = 0; it < iterations; it++) {
      const cq = tf.tidy(() => tf.matMul(cov, tf.tensor2d(q, [D, components])).dataSync() as Float32Array);
      const total = columnDots(q, cq, D, components).reduce((a, v) => a + v, 0);
      q = orthonormalize(cq, D, components);
      if (Math.abs(total - captured) <= tolerance * Math.abs(total)) break;
      captured = total;
    }
    const cq = tf.tidy(() => tf.matMul(cov, tf.tensor2d(q, [D, components])).dataSync() as Float32Array);
    const variances = columnDots(q, cq, D, components);
    // largest first: reorder the columns by the variance they capture
    const order = variances.map((_, j) => j).sort((a, b) => variances[b]! - variances[a]!);
    const basis = new Float32Array(D * components);
    for (let i = 0; i < D; i++) order.forEach((j, c) => (basis[i * components + c] = q[i * components + j]!));
    return { mean, basis, components, variances: order.map((j) => variances[j]!) };
  } finally {
    cov.dispose();
  }
}

/** Mean squared error (pixels in 0..1) and PSNR of PCA's reconstructions of n images. */
export function pcaError(p: Pca, pixels: Uint8Array): { mse: number; psnr: number } {
  const D = p.mean.length;
  const n = pixels.length / D;
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`explore.pcaError: pixels must hold whole images of ${D} bytes, got ${pixels.length} bytes`);
  let sq = 0;
  for (let s = 0; s < n; s += BATCH) {
    const b = Math.min(BATCH, n - s);
    sq += tf.tidy(() => {
      const x = pixelBatch(pixels, s, b, D);
      const mu = tf.tensor2d(p.mean, [1, D]);
      const w = tf.tensor2d(p.basis, [D, p.components]);
      const centred = tf.sub(x, mu);
      const back = tf.add(tf.matMul(tf.matMul(centred, w), tf.transpose(w)), mu); // [b, D]
      return tf.sum(tf.squaredDifference(back, x)).dataSync()[0]!;
    });
  }
  const mse = sq / (n * D);
  return { mse, psnr: 10 * Math.log10(1 / mse) };
}

/** A fixed start for the iteration: any full-rank matrix works; a seeded one keeps results reproducible. */
function seededStart(D: number, k: number): Float32Array {
  const out = new Float32Array(D * k);
  let s = 0x9e3779b9;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** Modified Gram-Schmidt on the columns of a row-major [D, k] matrix, in doubles. */
function orthonormalize(a: Float32Array, D: number, k: number): Float32Array {
  const cols = Array.from({ length: k }, (_, j) => Float64Array.from({ length: D }, (_, i) => a[i * k + j]!));
  for (let j = 0; j < k; j++) {
    const c = cols[j]!;
    for (let p = 0; p < j; p++) {
      const prev = cols[p]!;
      let dot = 0;
      for (let i = 0; i < D; i++) dot += c[i]! * prev[i]!;
      for (let i = 0; i < D; i++) c[i]! -= dot * prev[i]!;
    }
    let norm = 0;
    for (let i = 0; i < D; i++) norm += c[i]! * c[i]!;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < D; i++) c[i]! /= norm;
  }
  const out = new Float32Array(D * k);
  for (let i = 0; i < D; i++) for (let j = 0; j < k; j++) out[i * k + j] = cols[j]![i]!;
  return out;
}

/** [k] q_j . (C q)_j: the variance each column captures */
function columnDots(q: Float32Array, cq: Float32Array, D: number, k: number): number[] {
  const out = new Array<number>(k).fill(0);
  for (let i = 0; i < D; i++) for (let j = 0; j < k; j++) out[j]! += q[i * k + j]! * cq[i * k + j]!;
  return out;
}
