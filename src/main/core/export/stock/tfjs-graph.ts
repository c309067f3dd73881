// A graph (graph.ts) as a TensorFlow.js graph model: model.json with a GraphDef topology in
// its JSON form and a weights manifest, and one binary file of the constants, which is what
// `tf.loadGraphModel` reads (the converter writes the same for a SavedModel). A graph model
// and not a layers model: it writes the sub-pixel upsampling as the DepthToSpace op it is.
import { UNARY_OPS, type Graph, type Node, type Value } from './graph.js';

export const TFJS_WEIGHTS_FILE = 'weights.bin';

interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

const FLOAT = { type: 'DT_FLOAT' };
const T = { T: FLOAT };
const str = (s: string) => ({ s: Buffer.from(s, 'utf8').toString('base64') });
const ints = (xs: number[]) => ({ list: { i: xs.map(String) } });
const shapeOf = (shape: readonly number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });

const BINARY_OPS: Record<string, string> = { add: 'AddV2', sub: 'Sub', mul: 'Mul', div: 'RealDiv', less: 'Less' };

/** model.json's object and the weights file's bytes. */
export function toTfjsGraphModel(g: Graph, generatedBy: string): { modelJson: object; weights: Uint8Array } {
  const nodes: TfNode[] = [];
  const specs: { name: string; shape: number[]; dtype: 'float32' | 'int32' }[] = [];
  const chunks: Uint8Array[] = [];
  let extra = 0;
  /** an int32 constant the op reads as an attribute-like input (a shape, an axis) */
  const intConst = (values: number[], shape: number[]): string => {
    const name = `const_i${extra++}`;
    const data = Int32Array.from(values);
    nodes.push({
      name,
      op: 'Const',
      attr: { value: { tensor: { dtype: 'DT_INT32', tensorShape: shapeOf(shape) } }, dtype: { type: 'DT_INT32' } },
    });
    specs.push({ name, shape, dtype: 'int32' });
    chunks.push(new Uint8Array(data.buffer));
    return name;
  };
  const floatConst = (v: number): string => {
    const name = `const_f${extra++}`;
    nodes.push({ name, op: 'Const', attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: shapeOf([]) } }, dtype: FLOAT } });
    specs.push({ name, shape: [], dtype: 'float32' });
    chunks.push(new Uint8Array(Float32Array.of(v).buffer));
    return name;
  };
  const emit = (n: Node): void => {
    const name = n.out.id;
    const id = (v: Value) => v.id;
    switch (n.kind) {
      case 'input':
        nodes.push({ name, op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: shapeOf(n.out.shape) } } });
        return;
      case 'const': {
        const dtype = n.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
        nodes.push({
          name,
          op: 'Const',
          attr: { value: { tensor: { dtype, tensorShape: shapeOf(n.out.shape) } }, dtype: { type: dtype } },
        });
        specs.push({ name, shape: [...n.out.shape], dtype: n.dtype });
        chunks.push(new Uint8Array(n.data.buffer, n.data.byteOffset, n.data.byteLength));
        return;
      }
      case 'matmul':
        nodes.push({ name, op: 'MatMul', input: [id(n.a), id(n.b)], attr: { ...T, transpose_a: { b: false }, transpose_b: { b: false } } });
        return;
      case 'unary':
        nodes.push({ name, op: UNARY_OPS[n.fn]!, input: [id(n.x)], attr: T });
        return;
      case 'binary':
        nodes.push({ name, op: BINARY_OPS[n.fn]!, input: [id(n.a), id(n.b)], attr: T });
        return;
      case 'conv2d': {
        const conv = `${name}/conv`;
        const attr = {
          ...T,
          strides: ints([1, n.stride, n.stride, 1]),
          padding: str('SAME'),
          data_format: str('NHWC'),
          dilations: ints([1, 1, 1, 1]),
        };
        nodes.push({ name: conv, op: 'Conv2D', input: [id(n.x), id(n.w)], attr });
        nodes.push({ name, op: 'BiasAdd', input: [conv, id(n.b)], attr: { ...T, data_format: str('NHWC') } });
        return;
      }
      case 'depthToSpace':
        nodes.push({
          name,
          op: 'DepthToSpace',
          input: [id(n.x)],
          attr: { ...T, block_size: { i: String(n.block) }, data_format: str('NHWC') },
        });
        return;
      case 'reshape':
        nodes.push({ name, op: 'Reshape', input: [id(n.x), intConst(n.shape, [n.shape.length])], attr: T });
        return;
      case 'slice': {
        const rank = n.x.shape.length;
        const begin = Array.from({ length: rank }, (_, i) => (i === n.axis ? n.from : 0));
        const size = Array.from({ length: rank }, (_, i) => (i === n.axis ? n.to - n.from : -1));
        nodes.push({ name, op: 'Slice', input: [id(n.x), intConst(begin, [rank]), intConst(size, [rank])], attr: T });
        return;
      }
      case 'concat':
        nodes.push({
          name,
          op: 'ConcatV2',
          input: [...n.xs.map(id), intConst([n.axis], [])],
          attr: { ...T, N: { i: String(n.xs.length) } },
        });
        return;
      case 'where':
        nodes.push({ name, op: 'SelectV2', input: [id(n.cond), id(n.a), id(n.b)], attr: T });
        return;
      case 'clip':
        nodes.push({ name, op: 'ClipByValue', input: [id(n.x), floatConst(n.lo), floatConst(n.hi)], attr: T });
        return;
    }
  };
  for (const n of g.nodes) emit(n);
  const port = (p: { name: string; shape: number[] }) => ({ name: `${p.name}:0`, dtype: 'DT_FLOAT', tensorShape: shapeOf(p.shape) });
  const modelJson = {
    format: 'graph-model',
    generatedBy,
    convertedBy: 'Latent Lab',
    signature: {
      inputs: Object.fromEntries(g.inputs.map((p) => [p.name, port(p)])),
      outputs: Object.fromEntries(g.outputs.map((p) => [p.name, port(p)])),
    },
    // predict() then answers a map by these names, in this order
    userDefinedMetadata: { structuredOutputKeys: g.outputs.map((p) => p.name) },
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: specs }],
  };
  const total = chunks.reduce((s, c) => s + c.byteLength, 0);
  const weights = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    weights.set(c, o);
    o += c.byteLength;
  }
  return { modelJson, weights };
}
