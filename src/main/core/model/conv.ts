// The conv layer with hand-written gradients (wasm has no Conv2DBackpropFilter kernel at all,
// and its Conv2DBackpropInput is a plain loop), and the sub-pixel upsampling. See
// ENGINES.md, "wasm".
import * as tf from '@tensorflow/tfjs-core';
import './gradients.js';
import { withLayerGrad } from './layer-grads.js';
import type { Activation } from './params.js';

/** 'same' padding of tf.conv2d along one axis: [before, after] and the output size. */
export function samePad(size: number, k: number, s: number): { out: number; before: number; after: number } {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

/** Rows and columns to add (positive) or cut (negative) on each side of an NHWC image. */
interface Border {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Cuts the negative sides of a border off axes 1 and 2 of an NHWC tensor. */
function cropNegative(x: tf.Tensor4D, b: Border): tf.Tensor4D {
  if (b.top >= 0 && b.bottom >= 0 && b.left >= 0 && b.right >= 0) return x;
  const [n, h, w, c] = x.shape;
  const ct = Math.max(-b.top, 0);
  const cl = Math.max(-b.left, 0);
  return tf.slice(x, [0, ct, cl, 0], [n, h - ct - Math.max(-b.bottom, 0), w - cl - Math.max(-b.right, 0), c]);
}

/**
 * A stride-1 'valid' conv of x with its border added or cut first. The added rows go in as
 * the conv's explicit padding, which XNNPACK reads as zeros without a padded copy (a PadV2
 * of the activations was ~1.5 ms a step on the 28x28 conv VAE); cut ones are sliced off.
 */
function borderedConv(x: tf.Tensor4D, f: tf.Tensor4D, b: Border, dilation = 1): tf.Tensor4D {
  const cropped = cropNegative(x, b);
  const [n, h, w] = cropped.shape;
  if (h === 0 || w === 0) {
    // every row or column cut (a stride-3 phase of a tiny image): the conv would see only
    // padding, and WebGPU refuses a zero-sized input
    const [kh, kw, , cout] = f.shape;
    const oh = Math.max(b.top, 0) + Math.max(b.bottom, 0) + h - dilation * (kh - 1);
    const ow = Math.max(b.left, 0) + Math.max(b.right, 0) + w - dilation * (kw - 1);
    return tf.zeros([n, Math.max(oh, 0), Math.max(ow, 0), cout]);
  }
  const pad: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [Math.max(b.top, 0), Math.max(b.bottom, 0)],
    [Math.max(b.left, 0), Math.max(b.right, 0)],
    [0, 0],
  ];
  return tf.conv2d(cropped, f, 1, pad, 'NHWC', dilation);
}

/**
 * Gradient of conv2d ('same' padding, square stride s) with respect to its filter, as a
 * forward conv2d: batch and channels swap roles, and the output gradient becomes a filter
 * dilated by the stride. wasm has no Conv2DBackpropFilter kernel; this runs on XNNPACK.
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, s: number): tf.Tensor4D {
  const [, h, w, cin] = x.shape;
  // k < s: XNNPACK cannot set up the one-hot conv for some such shapes (its result is garbage)
  if (k * k * cin <= PATCH_LIMIT && k >= s) return patchFilterGrad(x, dy, k, s);
  const [, oh, ow] = dy.shape;
  const ph = samePad(h, k, s);
  const pw = samePad(w, k, s);
  // the bordered input must span exactly k + (o-1)*s so the output is k x k
  const border = { top: ph.before, bottom: k + (oh - 1) * s - h - ph.before, left: pw.before, right: k + (ow - 1) * s - w - pw.before };
  const xt = tf.transpose(x, [3, 1, 2, 0]); // [cin, H, W, batch]: the border stays on axes 1, 2
  const f = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [oh, ow, batch, cout]
  const g = borderedConv(xt, f, border, s); // [cin, k, k, cout]
  return tf.transpose(g, [1, 2, 0, 3]); // [k, k, cin, cout]
}

/** Patch sizes k*k*cin up to which the filter gradient goes through explicit patches. */
const PATCH_LIMIT = 32;

/**
 * The filter gradient for a layer with few input channels (the first conv, on grey or RGB
 * pixels): the k x k patches of x as one conv with a one-hot filter (k*k*cin outputs per
 * pixel, cheap while that is small), then patches^T dy as one matmul. The swapped-roles conv
 * above has a k x k output and a huge reduction there, which XNNPACK runs at a fifth of its
 * speed (2.4 ms against 1.8 ms this way for the 28x28 digits' first layer at 64 images).
 */
function patchFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, s: number): tf.Tensor4D {
  const cin = x.shape[3];
  const p = k * k * cin;
  // output channel (i*k + j)*cin + c copies x[.., i, j, c]: the [k, k, cin] order of a filter
  const eye = new Float32Array(p * p);
  for (let i = 0; i < p; i++) eye[i * p + i] = 1;
  const patches = tf.conv2d(x, tf.tensor4d(eye, [k, k, cin, p]), s, 'same'); // [n, oh, ow, p]
  const [n, oh, ow, cout] = dy.shape;
  const m = n * oh * ow;
  const g = tf.matMul(tf.transpose(tf.reshape(dy, [m, cout])), tf.reshape(patches, [m, p])); // [cout, p]
  return tf.reshape(tf.transpose(g), [k, k, cin, cout]);
}

/**
 * Gradient of conv2d ('same' padding, stride s) with respect to its input, as forward
 * stride-1 conv2d calls, because wasm's Conv2DBackpropInput is a plain loop (~8x slower
 * than XNNPACK's Conv2D here).
 * Stride 1: a conv of the padded output gradient with the flipped, transposed filter.
 * Stride s > 1: the input splits into s*s phases (y = s*Y + r); each phase is a small
 * correlation of dy with its own taps of the filter (every s-th, from its offset), so no
 * multiply touches the zeros a dilated dy would hold. One conv per phase, each with only its
 * own taps: for the 14x14x32 layer 205M multiply-adds, where one conv over all phases at once
 * (a 3x3 window holding every phase's 2x2 taps) did 462M; depthToSpace interleaves them.
 */
export function conv2dInputGrad(dy: tf.Tensor4D, w: tf.Tensor4D, inShape: [number, number], s: number): tf.Tensor4D {
  const [k] = w.shape;
  const [h, wd] = inShape;
  const ph = samePad(h, k, s);
  const pw = samePad(wd, k, s);
  const [n, oh, ow] = dy.shape;
  if (s === 1) {
    const top = k - 1 - ph.before;
    const left = k - 1 - pw.before;
    const whole: Phase = { q: 0, a: 0, count: k };
    const [wf] = reversedTaps(w, 1, [whole], [whole]); // [k, k, cout, cin]
    return borderedConv(dy, wf!, { top, bottom: h + k - 1 - top - oh, left, right: wd + k - 1 - left - ow });
  }
  const cin = w.shape[2];
  const hs = Math.ceil(h / s);
  const ws = Math.ceil(wd / s);
  const rows = [...Array(s).keys()].map((r) => phase(k, s, ph.before, r));
  const cols = [...Array(s).keys()].map((r) => phase(k, s, pw.before, r));
  const taps = reversedTaps(w, s, rows, cols);
  const parts: tf.Tensor4D[] = [];
  for (let rh = 0; rh < s; rh++) {
    for (let rw = 0; rw < s; rw++) {
      const f = taps[rh * s + rw];
      parts.push(f ? phaseInputGrad(dy, f, rows[rh]!, cols[rw]!, hs, ws, oh, ow) : tf.zeros([n, hs, ws, cin]));
    }
  }
  // channel (rh*s + rw)*cin + c, the order depthToSpace reads
  const full = depthToSpace(tf.concat(parts, 3), s); // [n, hs*s, ws*s, cin]
  return hs * s === h && ws * s === wd ? full : tf.slice(full, [0, 0, 0, 0], [n, h, wd, cin]);
}

/** One phase's taps along one axis: dx_r[Y] = sum_j dy[Y + a - j] * W[s*j + q], j < count. */
interface Phase {
  a: number;
  q: number;
  count: number;
}

/** The taps of phase r (y = s*Y + r) of a strided conv's input gradient along one axis. */
function phase(k: number, s: number, padBefore: number, r: number): Phase {
  const t = r + padBefore;
  return { q: t % s, a: Math.floor(t / s), count: Math.max(0, Math.ceil((k - (t % s)) / s)) };
}

/**
 * Every phase's filter at once: the taps W[s*j + q] of each (row, column) phase, in reverse
 * order and transposed to [.., cout, cin], in the order rh*s + rw (null for a phase with no
 * taps). One matmul of W viewed as [cin*cout, k*k] with a one-hot selection matrix picks and
 * orders the taps (exact: each output is 1 * one weight), one transpose swaps the channels.
 * W is the matmul's first operand on purpose: wasm caches a matmul's second operand per
 * tensor, and the saved W shares its tensor with the forward conv's cached filter (the
 * zero-copy Identity); using one tensor as both aborted the wasm engine a few calls later.
 * Why not stridedSlice + reverse per phase: on wasm both are plain loops, 4.5 ms a step for
 * the 4x4x32x64 filter against ~0.3 ms this way (bench/results.md, "phase taps").
 */
function reversedTaps(w: tf.Tensor4D, s: number, rows: Phase[], cols: Phase[]): (tf.Tensor4D | null)[] {
  const [kh, kw, cin, cout] = w.shape;
  const picks: number[] = []; // the flat tap index kh*kw of each selected row, phase by phase
  const spans: { from: number; r: Phase; c: Phase }[] = [];
  for (const r of rows) {
    for (const c of cols) {
      spans.push({ from: picks.length, r, c });
      for (let i = 0; i < r.count; i++) {
        for (let j = 0; j < c.count; j++) picks.push((s * (r.count - 1 - i) + r.q) * kw + s * (c.count - 1 - j) + c.q);
      }
    }
  }
  const select = new Float32Array(picks.length * kh * kw);
  picks.forEach((tap, row) => (select[row * kh * kw + tap] = 1));
  const t = picks.length;
  const selectT = new Float32Array(t * kh * kw);
  picks.forEach((tap, row) => (selectT[tap * t + row] = 1));
  const wT = tf.transpose(tf.reshape(w, [kh * kw, cin * cout]));
  const chosenT = tf.matMul(wT, tf.tensor2d(selectT, [kh * kw, t])); // [cin*cout, taps]
  const swapped = tf.transpose(tf.reshape(chosenT, [cin, cout, t]), [2, 1, 0]); // [taps, cout, cin]
  return spans.map(({ from, r, c }) => {
    if (r.count === 0 || c.count === 0) return null;
    const part = tf.slice(swapped, [from, 0, 0], [r.count * c.count, cout, cin]);
    return tf.reshape(part, [r.count, c.count, cout, cin]);
  });
}

/**
 * dx at the rows s*Y + rh, columns s*X + rw ([n, hs, ws, cin]): a valid correlation of dy,
 * cut to start at offset a - count + 1, with the phase's reversed taps f [count_r, count_c, cout, cin].
 */
function phaseInputGrad(dy: tf.Tensor4D, f: tf.Tensor4D, r: Phase, c: Phase, hs: number, ws: number, oh: number, ow: number): tf.Tensor4D {
  const top = r.a - r.count + 1;
  const left = c.a - c.count + 1;
  // dy rows top .. top + hs + count - 2 feed outputs 0 .. hs-1 (zeros outside dy)
  return borderedConv(dy, f, {
    top: -top,
    bottom: top + hs + r.count - 2 - (oh - 1),
    left: -left,
    right: left + ws + c.count - 2 - (ow - 1),
  });
}

/** act(conv2d(x, W, stride s, 'same') + b) with the gradients above. */
export function conv2d(x: tf.Tensor4D, w: tf.Variable, b: tf.Variable, s: number, act: Activation, inputGrad: boolean): tf.Tensor4D {
  const k = w.shape[0]!;
  const forward = (xi: tf.Tensor4D, wi: tf.Tensor4D, bi: tf.Tensor1D): tf.Tensor4D => {
    if (act === 'tanh') return tf.tanh(tf.add(tf.conv2d(xi, wi, s, 'same'), bi)) as tf.Tensor4D;
    const attrs = {
      strides: [s, s],
      pad: 'same',
      dataFormat: 'NHWC',
      dilations: [1, 1],
      activation: act === 'relu' ? 'relu' : 'linear',
      leakyreluAlpha: 0.2,
    };
    return tf.engine().runKernel('FusedConv2D', { x: xi, filter: wi, bias: bi }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  };
  const inShape: [number, number] = [x.shape[1], x.shape[2]];
  return withLayerGrad(x, w, b, act, inputGrad, {
    forward: (xi, wi, bi) => ({ y: forward(xi, wi as tf.Tensor4D, bi), xSaved: xi }),
    inputGrad: (d, wi) => conv2dInputGrad(d, wi as tf.Tensor4D, inShape, s),
    weightGrad: (xs, d) => conv2dFilterGrad(xs as tf.Tensor4D, d, k, s),
  });
}

/**
 * depthToSpace (NHWC, DCR order) as reshape + transpose + reshape: wasm's DepthToSpace
 * kernel is a slow loop (27 ms vs 1.5 ms for [128,7,7,128] here) and tfjs-core registers no
 * gradient for it; reshape and transpose have both. Sub-pixel upsampling in the conv decoder
 * uses it, which keeps the decoder on conv2d (XNNPACK) instead of transposed convs.
 */
export function depthToSpace(x: tf.Tensor4D, bs: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const co = c / (bs * bs);
  if (!Number.isInteger(co)) throw new Error(`depthToSpace: ${c} channels do not divide by ${bs * bs}`);
  // [n*h, w, dh, (dw, co)] -> [n*h, dh, w, (dw, co)] -> rows h*bs+dh, columns w*bs+dw
  const t = tf.transpose(tf.reshape(x, [n * h, w, bs, bs * co]), [0, 2, 1, 3]);
  return tf.reshape(t, [n, h * bs, w * bs, co]);
}
