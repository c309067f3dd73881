// A graph (graph.ts) as an ONNX model (opset 17), encoded with onnx-proto's generated
// protobuf classes. ONNX convolutions and DepthToSpace are NCHW while the graph is NHWC, as the
// app is: the writer turns a value into NCHW when a conv needs it and back only where an op
// needs it channels-last, so a conv stack runs in NCHW with one transpose at each end.
import * as onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { UNARY_OPS, type Graph, type Node, type Value } from './graph.js';

// onnx-proto is CommonJS: Node's ESM import gives its exports as the default only
const { onnx } = ((onnxProto as unknown as { default?: typeof onnxProto }).default ?? onnxProto) as typeof onnxProto;

export const ONNX_OPSET = 17;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const A = onnx.AttributeProto.AttributeType;

/** element-wise ops, which may run on a value in either layout */
const ELEMENTWISE = new Set(['relu', 'tanh', 'sigmoid', 'softplus', 'abs', 'reciprocal']);
const BINARY_OPS: Record<string, string> = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div', less: 'Less' };

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** The .onnx file's bytes. */
export function toOnnxModel(g: Graph, producerVersion: string): Uint8Array {
  const nodes: OnnxTypes.INodeProto[] = [];
  const initializers: OnnxTypes.ITensorProto[] = [];
  const consts = new Map<string, Extract<Node, { kind: 'const' }>>();
  const natural = new Map<string, string>(); // value id -> its ONNX name in the graph's own layout
  const nchw = new Map<string, string>(); // value id -> its ONNX name in NCHW (4-D values)
  let count = 0;
  const fresh = (base: string) => `${base}_${count++}`;

  const node = (opType: string, input: string[], output: string, attribute: OnnxTypes.IAttributeProto[] = []): string => {
    nodes.push({ opType, input, output: [output], name: output, attribute });
    return output;
  };
  const floatInit = (name: string, dims: number[], data: Float32Array): string => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    initializers.push({ name, dims, dataType: FLOAT, rawData: bytes });
    return name;
  };
  const int64Init = (values: number[], dims = [values.length]): string => {
    const name = fresh('const_i64');
    initializers.push({ name, dims, dataType: INT64, int64Data: values });
    return name;
  };
  const ints = (name: string, values: number[]) => ({ name, type: A.INTS, ints: values });
  const int = (name: string, i: number) => ({ name, type: A.INT, i });

  /** the value in the graph's layout, made from its NCHW form or its constant on first use */
  const get = (v: Value): string => {
    const have = natural.get(v.id);
    if (have) return have;
    const c = consts.get(v.id);
    if (c) {
      const data = c.data instanceof Float32Array ? c.data : Float32Array.from(c.data);
      natural.set(v.id, floatInit(v.id, [...v.shape], data));
      return natural.get(v.id)!;
    }
    const n = nchw.get(v.id);
    if (!n) throw new Error(`onnx export: value ${v.id} used before it is made`);
    const out = node('Transpose', [n], fresh(`${v.id}_nhwc`), [ints('perm', TO_NHWC)]);
    natural.set(v.id, out);
    return out;
  };
  const getNchw = (v: Value): string => {
    const have = nchw.get(v.id);
    if (have) return have;
    const out = node('Transpose', [get(v)], fresh(`${v.id}_nchw`), [ints('perm', TO_NCHW)]);
    nchw.set(v.id, out);
    return out;
  };
  /** a conv filter [kh, kw, cin, cout] as ONNX's [cout, cin, kh, kw] */
  const filter = (w: Value): string => {
    const c = consts.get(w.id);
    if (!c || !(c.data instanceof Float32Array)) throw new Error(`onnx export: conv filter ${w.id} is not a weight`);
    const [kh, kw, cin, cout] = w.shape as [number, number, number, number];
    const out = new Float32Array(c.data.length);
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let a = 0; a < cin; a++)
          for (let o = 0; o < cout; o++) out[((o * cin + a) * kh + i) * kw + j] = c.data[((i * kw + j) * cin + a) * cout + o]!;
    return floatInit(`${w.id}_oihw`, [cout, cin, kh, kw], out);
  };

  for (const n of g.nodes) {
    const id = n.out.id;
    switch (n.kind) {
      case 'input':
        natural.set(id, id);
        break;
      case 'const':
        consts.set(id, n);
        break;
      case 'matmul':
        natural.set(id, node('MatMul', [get(n.a), get(n.b)], id));
        break;
      case 'unary':
        if (ELEMENTWISE.has(n.fn) && !natural.has(n.x.id) && nchw.has(n.x.id))
          nchw.set(id, node(UNARY_OPS[n.fn]!, [nchw.get(n.x.id)!], id));
        else natural.set(id, node(UNARY_OPS[n.fn]!, [get(n.x)], id));
        break;
      case 'binary':
        natural.set(id, node(BINARY_OPS[n.fn]!, [get(n.a), get(n.b)], id));
        break;
      case 'conv2d': {
        const { top, bottom, left, right } = n.pads;
        const attrs = [
          ints('strides', [n.stride, n.stride]),
          ints('pads', [top, left, bottom, right]),
          ints('kernel_shape', n.w.shape.slice(0, 2) as number[]),
        ];
        nchw.set(id, node('Conv', [getNchw(n.x), filter(n.w), get(n.b)], id, attrs));
        break;
      }
      case 'depthToSpace':
        nchw.set(
          id,
          node('DepthToSpace', [getNchw(n.x)], id, [int('blocksize', n.block), { name: 'mode', type: A.STRING, s: Buffer.from('DCR') }]),
        );
        break;
      case 'reshape':
        natural.set(id, node('Reshape', [get(n.x), int64Init(n.shape)], id));
        break;
      case 'slice':
        natural.set(id, node('Slice', [get(n.x), int64Init([n.from]), int64Init([n.to]), int64Init([n.axis])], id));
        break;
      case 'concat':
        natural.set(id, node('Concat', n.xs.map(get), id, [int('axis', n.axis)]));
        break;
      case 'where':
        natural.set(id, node('Where', [get(n.cond), get(n.a), get(n.b)], id));
        break;
      case 'clip': {
        const lo = floatInit(fresh('clip_lo'), [], Float32Array.of(n.lo));
        const hi = floatInit(fresh('clip_hi'), [], Float32Array.of(n.hi));
        natural.set(id, node('Clip', [get(n.x), lo, hi], id));
        break;
      }
    }
  }

  const valueInfo = (p: { name: string; shape: number[]; about: string }): OnnxTypes.IValueInfoProto => ({
    name: p.name,
    docString: p.about,
    type: { tensorType: { elemType: FLOAT, shape: { dim: p.shape.map((d) => (d < 0 ? { dimParam: 'batch' } : { dimValue: d })) } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'Latent Lab',
    producerVersion,
    docString: g.about,
    graph: {
      name: g.name,
      docString: g.about,
      node: nodes,
      initializer: initializers,
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
