// Gradients for the kernels our models differentiate through.
//
// Why this file exists: tfjs-core's node bundle (dist/tf-core.node.js) registers no
// gradients; they live in dist/register_all_gradients.js, an ES module with extensionless
// imports inside a CommonJS-typed package, which Node cannot load (ERR_MODULE_NOT_FOUND) and
// which only the @tensorflow/tfjs union bundle ships pre-bundled. So we register the ones we
// need, following tfjs-core's own definitions (Apache-2.0). Each one is checked against
// finite differences in tests/model/gradients.test.ts. A gradient already registered (by the
// union package, say) is left alone.
import * as tf from '@tensorflow/tfjs-core';
import { areLeadingAxes, sumLeadingAxes } from './reduce.js';

type Saved = tf.Tensor[];
type Attrs = Record<string, unknown>;
type GradFunc = (dy: tf.Tensor | tf.Tensor[], saved: Saved, attrs: Attrs) => Record<string, () => tf.Tensor> | (() => tf.Tensor)[];
interface Grad {
  kernelName: string;
  inputsToSave?: string[];
  /** one flag per output to save */
  outputsToSave?: boolean[];
  saveAllInputs?: boolean;
  gradFunc: GradFunc;
}

const { getReductionAxes, assertAndGetBroadcastShape } = tf.backend_util;

/** Sums a broadcast gradient back to the shape of the input it came from. */
function unbroadcast(g: tf.Tensor, shape: number[], outShape: number[]): tf.Tensor {
  const axes = getReductionAxes(shape, outShape);
  if (axes.length === 0) return g;
  // a [C] bias broadcast over [N, .., C]: the leading-axes sum as a matmul (reduce.ts)
  return tf.reshape(areLeadingAxes(axes) ? sumLeadingAxes(g, axes.length) : tf.sum(g, axes), shape);
}

function f32(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

function binary(
  kernelName: string,
  ga: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  gb: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): Grad {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      const out = assertAndGetBroadcastShape(a.shape, b.shape);
      const d = dy as tf.Tensor;
      return { a: () => unbroadcast(ga(d, a, b), a.shape, out), b: () => unbroadcast(gb(d, a, b), b.shape, out) };
    },
  };
}

function unaryIn(kernelName: string, g: (dy: tf.Tensor, x: tf.Tensor) => tf.Tensor): Grad {
  return { kernelName, inputsToSave: ['x'], gradFunc: (dy, saved) => ({ x: () => g(dy as tf.Tensor, saved[0]!) }) };
}

function unaryOut(kernelName: string, g: (dy: tf.Tensor, y: tf.Tensor) => tf.Tensor): Grad {
  return { kernelName, outputsToSave: [true], gradFunc: (dy, saved) => ({ x: () => g(dy as tf.Tensor, saved[0]!) }) };
}

/** Ops whose output is piecewise constant or boolean: zero gradient for every input. */
function zeroGrad(kernelName: string, inputs: string[]): Grad {
  return {
    kernelName,
    inputsToSave: inputs,
    gradFunc: (_dy, saved) => Object.fromEntries(inputs.map((n, i) => [n, () => tf.zeros(saved[i]!.shape)])),
  };
}

function reduceGrad(scale: boolean): GradFunc {
  return (dy, saved, attrs) => {
    const x = saved[0]!;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
    const shape = x.shape.slice();
    for (const a of axes) shape[a] = 1;
    const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
    return {
      x: () => {
        const g = tf.mul(tf.reshape(dy as tf.Tensor, shape), tf.ones(x.shape));
        return scale ? tf.div(g, n) : g;
      },
    };
  };
}

const GRADS: Grad[] = [
  binary(
    'Add',
    (dy) => dy,
    (dy) => dy,
  ),
  binary(
    'Sub',
    (dy) => dy,
    (dy) => tf.neg(dy),
  ),
  binary(
    'Multiply',
    (dy, _a, b) => tf.mul(dy, f32(b)),
    (dy, a) => tf.mul(dy, f32(a)),
  ),
  binary(
    'RealDiv',
    (dy, _a, b) => tf.div(dy, b),
    (dy, a, b) => tf.neg(tf.div(tf.mul(dy, a), tf.square(b))),
  ),
  binary(
    'SquaredDifference',
    (dy, a, b) => tf.mul(dy, tf.mul(tf.sub(a, b), 2)),
    (dy, a, b) => tf.mul(dy, tf.mul(tf.sub(b, a), 2)),
  ),
  binary(
    'Maximum',
    (dy, a, b) => tf.mul(dy, f32(tf.greaterEqual(a, b))),
    (dy, a, b) => tf.mul(dy, f32(tf.less(a, b))),
  ),
  binary(
    'Minimum',
    (dy, a, b) => tf.mul(dy, f32(tf.lessEqual(a, b))),
    (dy, a, b) => tf.mul(dy, f32(tf.greater(a, b))),
  ),
  {
    kernelName: 'AddN',
    saveAllInputs: true,
    gradFunc: (dy, saved) => saved.map(() => () => tf.clone(dy as tf.Tensor)),
  },
  unaryIn('Neg', (dy) => tf.neg(dy)),
  unaryOut('Exp', (dy, y) => tf.mul(dy, y)),
  unaryIn('Log', (dy, x) => tf.div(dy, f32(x))),
  unaryIn('Log1p', (dy, x) => tf.div(dy, tf.add(f32(x), 1))),
  unaryIn('Square', (dy, x) => tf.mul(dy, tf.mul(f32(x), 2))),
  unaryIn('Sqrt', (dy, x) => tf.div(dy, tf.mul(tf.sqrt(f32(x)), 2))),
  unaryIn('Rsqrt', (dy, x) => tf.div(dy, tf.mul(tf.pow(x, 1.5), -2))),
  unaryIn('Reciprocal', (dy, x) => tf.div(dy, tf.neg(tf.square(x)))),
  unaryIn('Abs', (dy, x) => tf.mul(dy, tf.sign(f32(x)))),
  unaryIn('Softplus', (dy, x) => tf.mul(dy, tf.sigmoid(x))),
  unaryOut('Sigmoid', (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y)))),
  unaryOut('Tanh', (dy, y) => tf.mul(dy, tf.sub(1, tf.square(y)))),
  unaryIn('Relu', (dy, x) => tf.mul(dy, f32(tf.step(x)))),
  unaryIn('Elu', (dy, x) => tf.mul(dy, tf.where(tf.greater(x, 0), tf.onesLike(x), tf.exp(x)))),
  { kernelName: 'Identity', gradFunc: (dy) => ({ x: () => tf.clone(dy as tf.Tensor) }) },
  { kernelName: 'Cast', gradFunc: (dy) => ({ x: () => tf.clone(dy as tf.Tensor) }) },
  { kernelName: 'Reshape', inputsToSave: ['x'], gradFunc: (dy, saved) => ({ x: () => tf.reshape(dy as tf.Tensor, saved[0]!.shape) }) },
  {
    kernelName: 'ExpandDims',
    inputsToSave: ['input'],
    gradFunc: (dy, saved) => ({ input: () => tf.reshape(dy as tf.Tensor, saved[0]!.shape) }),
  },
  {
    kernelName: 'Transpose',
    gradFunc: (dy, _saved, attrs) => {
      const perm = attrs.perm as number[];
      const inv = perm.map((_, i) => perm.indexOf(i));
      return { x: () => tf.transpose(dy as tf.Tensor, inv) };
    },
  },
  {
    kernelName: 'Slice',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0]!;
      const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[]) as [number[], number[]];
      const pad = x.shape.map((d, i) => [begin[i]!, d - begin[i]! - size[i]!] as [number, number]);
      return { x: () => tf.pad(dy as tf.Tensor, pad) };
    },
  },
  {
    kernelName: 'PadV2',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0]!;
      const begin = (attrs.paddings as [number, number][]).map((p) => p[0]);
      return { x: () => tf.slice(dy as tf.Tensor, begin, x.shape) };
    },
  },
  {
    kernelName: 'SplitV',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0]!;
      const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
      const splits = attrs.numOrSizeSplits as number | number[];
      const sizes = Array.isArray(splits) ? splits : new Array<number>(splits).fill(x.shape[axis]! / splits);
      // a part nobody used has a null gradient: zeros of its shape stand in
      const parts = (Array.isArray(dy) ? dy : [dy]).map((p, i) => {
        if (p) return p;
        const shape = x.shape.slice();
        shape[axis] = sizes[i]!;
        return tf.zeros(shape);
      });
      return { x: () => tf.concat(parts as tf.Tensor[], axis) };
    },
  },
  {
    kernelName: 'Concat',
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0]!.shape)[0]!;
      const parts = tf.split(
        dy as tf.Tensor,
        saved.map((t) => t.shape[axis]!),
        axis,
      );
      return parts.map((p) => () => p);
    },
  },
  {
    // stock autograd forms (slow on wasm; our dense layers avoid them, see layers.ts); here
    // so plain tf.matMul still trains and as the reference the tests compare against
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [tf.Tensor3D, tf.Tensor3D];
      const d = dy as tf.Tensor3D;
      const ta = attrs.transposeA as boolean;
      const tb = attrs.transposeB as boolean;
      if (!ta && !tb) return { a: () => tf.matMul(d, b, false, true), b: () => tf.matMul(a, d, true, false) };
      if (!ta && tb) return { a: () => tf.matMul(d, b, false, false), b: () => tf.matMul(d, a, true, false) };
      if (ta && !tb) return { a: () => tf.matMul(b, d, false, true), b: () => tf.matMul(a, d, false, false) };
      return { a: () => tf.matMul(b, d, true, true), b: () => tf.matMul(d, a, true, true) };
    },
  },
  {
    // needs the Conv2DBackpropFilter kernel, which wasm lacks (our conv layers avoid it)
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const { strides, pad, dataFormat, dimRoundingMode } = attrs;
      const common = { strides, pad, dataFormat, dimRoundingMode };
      return {
        x: () =>
          tf.engine().runKernel('Conv2DBackpropInput', { dy: dy as tf.Tensor, filter }, {
            ...common,
            inputShape: x.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
        filter: () =>
          tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy as tf.Tensor }, {
            ...common,
            filterShape: filter.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
      };
    },
  },
  { kernelName: 'Reverse', gradFunc: (dy, _saved, attrs) => ({ x: () => tf.reverse(dy as tf.Tensor, attrs.dims as number[]) }) },
  { kernelName: 'Sum', inputsToSave: ['x'], gradFunc: reduceGrad(false) },
  { kernelName: 'Mean', inputsToSave: ['x'], gradFunc: reduceGrad(true) },
  {
    kernelName: 'Select',
    inputsToSave: ['condition'],
    gradFunc: (dy, saved) => {
      const c = saved[0]!;
      const d = dy as tf.Tensor;
      return {
        condition: () => tf.zeros(c.shape),
        t: () => tf.mul(d, f32(c)),
        e: () => tf.mul(d, f32(tf.logicalNot(c))),
      };
    },
  },
  {
    kernelName: 'ClipByValue',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0]!;
      const inside = tf.logicalAnd(tf.greaterEqual(x, attrs.clipValueMin as number), tf.lessEqual(x, attrs.clipValueMax as number));
      return { x: () => tf.where(inside, dy as tf.Tensor, tf.zerosLike(dy as tf.Tensor)) };
    },
  },
  {
    kernelName: 'Tile',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0]!;
      const reps = attrs.reps as number[];
      // view dy as [r0, s0, r1, s1, ...] and sum the repeat axes
      const shape: number[] = [];
      x.shape.forEach((s, i) => shape.push(reps[i]!, s));
      const axes = x.shape.map((_, i) => 2 * i);
      return { x: () => tf.reshape(tf.sum(tf.reshape(dy as tf.Tensor, shape), axes), x.shape) };
    },
  },
  zeroGrad('Less', ['a', 'b']),
  zeroGrad('LessEqual', ['a', 'b']),
  zeroGrad('Greater', ['a', 'b']),
  zeroGrad('GreaterEqual', ['a', 'b']),
  zeroGrad('Equal', ['a', 'b']),
  zeroGrad('NotEqual', ['a', 'b']),
  zeroGrad('LogicalAnd', ['a', 'b']),
  zeroGrad('LogicalOr', ['a', 'b']),
  zeroGrad('LogicalNot', ['x']),
  zeroGrad('Step', ['x']),
  zeroGrad('Sign', ['x']),
  zeroGrad('Round', ['x']),
  zeroGrad('Floor', ['x']),
  zeroGrad('IsNan', ['x']),
  zeroGrad('ZerosLike', ['x']),
  zeroGrad('OnesLike', ['x']),
];

let registered = false;

/** Registers the gradients above (once; skips kernels that already have one). */
export function registerGradients(): void {
  if (registered) return;
  registered = true;
  for (const g of GRADS) {
    if (tf.getGradient(g.kernelName)) continue;
    tf.registerGradient(g as unknown as tf.GradConfig);
  }
}

registerGradients();
