// A small dataflow graph of the ops our networks use, written once from a trained model and
// turned into each stock format (writers in tfjs-graph.ts and onnx.ts). Images are NHWC here,
// as in the app; the ONNX writer moves convolutions to its NCHW. Shapes are tracked as the
// graph grows, with -1 for the batch, so every writer can declare its inputs and outputs.
import { samePad } from '../../model/layers.js';

export type Dtype = 'float32' | 'int32';

export type UnaryFn = 'relu' | 'tanh' | 'sigmoid' | 'softplus' | 'abs' | 'reciprocal' | 'softmax' | 'identity';

/** Each element-wise op's name in a TensorFlow graph and in ONNX: for these the two formats agree. */
export const UNARY_OPS: Record<UnaryFn, string> = {
  relu: 'Relu',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  softplus: 'Softplus',
  abs: 'Abs',
  reciprocal: 'Reciprocal',
  softmax: 'Softmax',
  identity: 'Identity',
};
export type BinaryFn = 'add' | 'sub' | 'mul' | 'div' | 'less';

/** A value in the graph: the node that makes it, and its shape (-1: the batch). */
export interface Value {
  readonly id: string;
  readonly shape: readonly number[];
}

export type Node =
  | { kind: 'input'; out: Value }
  | { kind: 'const'; out: Value; dtype: Dtype; data: Float32Array | Int32Array }
  | { kind: 'matmul'; out: Value; a: Value; b: Value }
  | { kind: 'unary'; fn: UnaryFn; out: Value; x: Value }
  | { kind: 'binary'; fn: BinaryFn; out: Value; a: Value; b: Value }
  /** NHWC 'same' convolution with filter [kh, kw, cin, cout] and bias [cout] */
  | { kind: 'conv2d'; out: Value; x: Value; w: Value; b: Value; stride: number; pads: Pads }
  /** NHWC depth-to-space in DCR order (TensorFlow's, and ONNX's default) */
  | { kind: 'depthToSpace'; out: Value; x: Value; block: number }
  | { kind: 'reshape'; out: Value; x: Value; shape: number[] }
  | { kind: 'slice'; out: Value; x: Value; axis: number; from: number; to: number }
  | { kind: 'concat'; out: Value; xs: Value[]; axis: number }
  | { kind: 'where'; out: Value; cond: Value; a: Value; b: Value }
  | { kind: 'clip'; out: Value; x: Value; lo: number; hi: number };

/** Rows and columns of zeros a 'same' convolution adds on each side. */
export interface Pads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** What one input or output is, for the README and the writers' declarations. */
export interface Port {
  name: string;
  shape: number[];
  about: string;
}

export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Port[] = [];
  readonly outputs: (Port & { value: Value })[] = [];
  private count = 0;

  /** `name` is also the graph's id of this network (a folder or file name). */
  constructor(
    readonly name: string,
    readonly about: string,
  ) {}

  private value(prefix: string, shape: readonly number[]): Value {
    return { id: `${prefix}_${this.count++}`, shape: [...shape] };
  }

  input(name: string, shape: number[], about: string): Value {
    const out = { id: name, shape: [-1, ...shape] };
    this.nodes.push({ kind: 'input', out });
    this.inputs.push({ name, shape: out.shape, about });
    return out;
  }

  output(name: string, x: Value, about: string): void {
    const out = { id: name, shape: [...x.shape] };
    this.nodes.push({ kind: 'unary', fn: 'identity', out, x });
    this.outputs.push({ name, shape: out.shape, about, value: out });
  }

  /** A weight or other constant; `name` keeps the app's parameter name where there is one. */
  constant(name: string, shape: number[], data: Float32Array | Int32Array): Value {
    const out = { id: `${name.replace(/[^A-Za-z0-9_/]/g, '_')}_${this.count++}`, shape };
    this.nodes.push({ kind: 'const', out, dtype: data instanceof Int32Array ? 'int32' : 'float32', data });
    return out;
  }

  scalar(v: number): Value {
    return this.constant('scalar', [], Float32Array.of(v));
  }

  matmul(a: Value, b: Value): Value {
    const out = this.value('MatMul', [a.shape[0]!, b.shape[1]!]);
    this.nodes.push({ kind: 'matmul', out, a, b });
    return out;
  }

  unary(fn: UnaryFn, x: Value): Value {
    const out = this.value(fn, x.shape);
    this.nodes.push({ kind: 'unary', fn, out, x });
    return out;
  }

  binary(fn: BinaryFn, a: Value, b: Value): Value {
    const out = this.value(fn, a.shape.length >= b.shape.length ? a.shape : b.shape);
    this.nodes.push({ kind: 'binary', fn, out, a, b });
    return out;
  }

  conv2d(x: Value, w: Value, b: Value, stride: number): Value {
    const [n, h, wd] = x.shape as [number, number, number, number];
    const [kh, kw, , cout] = w.shape as [number, number, number, number];
    const ph = samePad(h, kh, stride);
    const pw = samePad(wd, kw, stride);
    const out = this.value('Conv2D', [n, ph.out, pw.out, cout]);
    const pads = { top: ph.before, bottom: ph.after, left: pw.before, right: pw.after };
    this.nodes.push({ kind: 'conv2d', out, x, w, b, stride, pads });
    return out;
  }

  depthToSpace(x: Value, block: number): Value {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const out = this.value('DepthToSpace', [n, h * block, w * block, c / (block * block)]);
    this.nodes.push({ kind: 'depthToSpace', out, x, block });
    return out;
  }

  /** `shape` without the batch, which stays first. */
  reshape(x: Value, shape: number[]): Value {
    const out = this.value('Reshape', [-1, ...shape]);
    this.nodes.push({ kind: 'reshape', out, x, shape: [-1, ...shape] });
    return out;
  }

  slice(x: Value, axis: number, from: number, to: number): Value {
    const shape = [...x.shape];
    shape[axis] = to - from;
    const out = this.value('Slice', shape);
    this.nodes.push({ kind: 'slice', out, x, axis, from, to });
    return out;
  }

  concat(xs: Value[], axis: number): Value {
    const shape = [...xs[0]!.shape];
    shape[axis] = xs.reduce((s, x) => s + x.shape[axis]!, 0);
    const out = this.value('Concat', shape);
    this.nodes.push({ kind: 'concat', out, xs, axis });
    return out;
  }

  where(cond: Value, a: Value, b: Value): Value {
    const out = this.value(
      'Select',
      [cond, a, b].reduce((s, v) => (v.shape.length > s.length ? v.shape : s), [] as readonly number[]),
    );
    this.nodes.push({ kind: 'where', out, cond, a, b });
    return out;
  }

  clip(x: Value, lo: number, hi: number): Value {
    const out = this.value('Clip', x.shape);
    this.nodes.push({ kind: 'clip', out, x, lo, hi });
    return out;
  }
}
