// The encoder and decoder networks of the VAE family: MLP stacks, and conv bodies that halve
// the image down to about 7x7 and grow it back with sub-pixel upsampling. A network is a plain
// function of its input; its variables live in the model's ParamStore, created in a fixed order
// so that a seed always gives the same initial weights.
import * as tf from '@tensorflow/tfjs-core';
import { conv2d, dense, depthToSpace, type Activation, type ParamStore } from './layers.js';

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/** A network on [b, in] -> [b, out]; `inputGrad` false skips the gradient nobody needs (the data's). */
export type Net2D = (x: tf.Tensor2D, inputGrad: boolean) => tf.Tensor2D;

/** Dense stack: sizes [in, h1, ..., out]; `act` between layers, `lastAct` at the end. */
export function mlp(ps: ParamStore, prefix: string, sizes: number[], act: Activation, lastAct: Activation): Net2D {
  const layers: { w: tf.Variable; b: tf.Variable; act: Activation }[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push({
      w: ps.add(`${prefix}/dense${i}/W`, [sizes[i]!, sizes[i + 1]!], 'glorot'),
      b: ps.add(`${prefix}/dense${i}/b`, [sizes[i + 1]!], 'zeros'),
      act: i + 2 === sizes.length ? lastAct : act,
    });
  }
  return (x, inputGrad) => {
    let h = x;
    layers.forEach((l, i) => {
      h = dense(h, l.w, l.b, l.act, inputGrad || i > 0);
    });
    return h;
  };
}

/** Number of stride-2 convs for a side: down to about 7..8 pixels (28 -> 7, 32 -> 8, 64 -> 8). */
function convDepth(shape: ImageShape): number {
  const side = Math.min(shape.height, shape.width);
  let n = 0;
  while (side / 2 ** (n + 1) >= 7 && n < 4) n++;
  n = Math.max(1, n);
  const m = 2 ** n;
  if (shape.height % m !== 0 || shape.width % m !== 0) {
    throw new Error(
      `conv family: image size ${shape.height}x${shape.width} must be divisible by ${m}; use a side like 28, 32 or 64, or the mlp family`,
    );
  }
  return n;
}

const CONV_CHANNELS = [32, 64, 64, 128];

/** conv encoder body: x [b, D] -> features [b, F] (before the dense layers) */
function convEncoderBody(ps: ParamStore, prefix: string, shape: ImageShape, act: Activation): { net: Net2D; features: number } {
  const depth = convDepth(shape);
  const layers: { w: tf.Variable; b: tf.Variable }[] = [];
  let cin = shape.channels;
  for (let i = 0; i < depth; i++) {
    const cout = CONV_CHANNELS[i]!;
    layers.push({ w: ps.add(`${prefix}/conv${i}/W`, [4, 4, cin, cout], 'glorot'), b: ps.add(`${prefix}/conv${i}/b`, [cout], 'zeros') });
    cin = cout;
  }
  const h = shape.height / 2 ** depth;
  const w = shape.width / 2 ** depth;
  const net: Net2D = (x, inputGrad) => {
    let t = tf.reshape(x, [x.shape[0], shape.height, shape.width, shape.channels]) as tf.Tensor4D;
    layers.forEach((l, i) => {
      t = conv2d(t, l.w, l.b, 2, act, inputGrad || i > 0);
    });
    return tf.reshape(t, [x.shape[0], h * w * cin]) as tf.Tensor2D;
  };
  return { net, features: h * w * cin };
}

/** conv decoder tail: features [b, h0*w0*c0] -> [b, H*W*C*mult] via conv + depthToSpace */
function convDecoderTail(
  ps: ParamStore,
  prefix: string,
  shape: ImageShape,
  act: Activation,
  mult: number,
): { net: Net2D; features: number } {
  const depth = convDepth(shape);
  const h0 = shape.height / 2 ** depth;
  const w0 = shape.width / 2 ** depth;
  const c0 = CONV_CHANNELS[depth - 1]!;
  const layers: { w: tf.Variable; b: tf.Variable; act: Activation; cout: number }[] = [];
  let cin = c0;
  for (let i = 0; i < depth; i++) {
    const last = i === depth - 1;
    const cout = last ? shape.channels * mult : CONV_CHANNELS[depth - 2 - i]!;
    // sub-pixel upsampling: a 2x2 conv to 4*cout channels, then depthToSpace(2); the same
    // receptive field and cost as a 4x4 stride-2 transposed conv, but on conv2d (XNNPACK)
    layers.push({
      w: ps.add(`${prefix}/upconv${i}/W`, [2, 2, cin, 4 * cout], 'glorot'),
      b: ps.add(`${prefix}/upconv${i}/b`, [4 * cout], 'zeros'),
      act: last ? 'linear' : act,
      cout,
    });
    cin = cout;
  }
  const net: Net2D = (x) => {
    const b = x.shape[0];
    let t = tf.reshape(x, [b, h0, w0, c0]) as tf.Tensor4D;
    for (const l of layers) t = depthToSpace(conv2d(t, l.w, l.b, 1, l.act, true), 2);
    return tf.reshape(t, [b, shape.height * shape.width * shape.channels * mult]) as tf.Tensor2D;
  };
  return { net, features: h0 * w0 * c0 };
}

export interface NetworkSpec {
  family: 'mlp' | 'conv';
  hidden: number[];
  act: Activation;
  shape: ImageShape;
  /** one-hot label width joined to the input (cvae), else 0 */
  labels: number;
}

/**
 * Encoder [x, y] [b, D + K] -> hidden -> `out` numbers per image (mu, or mu and logvar). The
 * K extra inputs join after the convs: a one-hot label, or (CVAE form 3's classifier) a code z.
 */
export function buildEncoder(ps: ParamStore, spec: NetworkSpec, out: number, prefix = 'enc'): Net2D {
  const { shape, labels: K, act } = spec;
  const D = shape.height * shape.width * shape.channels;
  if (spec.family === 'mlp') return mlp(ps, prefix, [D + K, ...spec.hidden, out], act, 'linear');
  const body = convEncoderBody(ps, prefix, shape, act);
  const top = mlp(ps, prefix, [body.features + K, ...spec.hidden, out], act, 'linear');
  if (K === 0) return (x, inputGrad) => top(body.net(x, inputGrad), true);
  return (xy, inputGrad) => {
    // the label joins after the convs: split it off the concatenated input
    const [x, y] = tf.split(xy, [D, K], 1) as [tf.Tensor2D, tf.Tensor2D];
    return top(tf.concat([body.net(x, inputGrad), y], 1) as tf.Tensor2D, true);
  };
}

/** Decoder [z, y] [b, L + K] -> mirrored hidden -> [b, D * mult] (logits, and log-variance when mult is 2). */
export function buildDecoder(ps: ParamStore, spec: NetworkSpec, latent: number, mult: number): Net2D {
  const { shape, labels: K, act } = spec;
  const D = shape.height * shape.width * shape.channels;
  const reversed = [...spec.hidden].reverse();
  if (spec.family === 'mlp') return mlp(ps, 'dec', [latent + K, ...reversed, D * mult], act, 'linear');
  const tail = convDecoderTail(ps, 'dec', shape, act, mult);
  const head = mlp(ps, 'dec', [latent + K, ...reversed, tail.features], act, act);
  return (z, inputGrad) => tail.net(head(z, inputGrad), true);
}

/** Splits [b, 2d] into its halves, e.g. a Gaussian head into (mu, logvar). */
export function split2(t: tf.Tensor2D, d: number): [tf.Tensor2D, tf.Tensor2D] {
  const [a, b] = tf.split(t, [d, d], 1);
  return [a as tf.Tensor2D, b as tf.Tensor2D];
}
