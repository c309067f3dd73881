// The README.md beside an export: how to load each network with TensorFlow.js and with ONNX
// Runtime, and what every input and output is (shape, range, meaning).
import type { Graph, Port } from './graph.js';
import type { StockTopology } from './networks.js';

const shapeText = (shape: number[]) => `[${shape.map((d) => (d < 0 ? 'batch' : String(d))).join(', ')}]`;

function ports(title: string, list: Port[]): string[] {
  return [`${title}:`, ...list.map((p) => `- \`${p.name}\` ${shapeText(p.shape)}: ${p.about}`)];
}

export function stockReadme(t: StockTopology, graphs: Graph[]): string {
  const { config: cfg, shape } = t;
  const first = graphs[0]!;
  const feeds = first.inputs.map((p) => p.name);
  const dims = (p: Port) => p.shape.slice(1).join(' * ');
  const tfFeeds = first.inputs.map((p) => `${p.name}: tf.zeros([16, ${dims(p)}])`).join(', ');
  const ortFeeds = first.inputs
    .map((p) => `${p.name}: new ort.Tensor('float32', new Float32Array(16 * ${dims(p)}), [16, ${dims(p)}])`)
    .join(',\n  ');
  const outs = first.outputs.map((p) => p.name).join(', ');
  const lines = [
    `# ${cfg.model.toUpperCase()} (${cfg.family}), exported by Latent Lab`,
    '',
    `Images are ${shape.height}x${shape.width} with ${shape.channels} channel${shape.channels > 1 ? 's' : ''}; the latent code has ${cfg.latent} numbers. ` +
      `Decoder likelihood: ${cfg.likelihood}${cfg.likelihood === 'gaussian' ? ` with standard deviation ${cfg.sigma}` : ''}.`,
    '',
    'Each network is here twice: as a TensorFlow.js graph model (`tfjs/<name>/model.json` with its `weights.bin`)',
    'and as ONNX (`onnx/<name>.onnx`, opset 17). Both take and give float32 tensors with the batch first.',
    "`model.json` and `weights.bin` at the top are Latent Lab's own format (the app imports them again); the stock models are the folders.",
    '',
    '## Loading',
    '',
    'TensorFlow.js (a page, or Node with `@tensorflow/tfjs-node`, where the path is `file://...`):',
    '',
    '```js',
    importLine('tf', '@tensorflow/tfjs'),
    `const net = await tf.loadGraphModel('tfjs/${first.name}/model.json');`,
    `const { ${outs} } = net.predict({ ${tfFeeds} });`,
    '```',
    '',
    '`predict` answers a map from output name to tensor (`net.execute(inputs, [names])` gives an array).',
    '',
    'ONNX Runtime (`onnxruntime-node`, `onnxruntime-web`, or `onnxruntime` in Python with the same names):',
    '',
    '```js',
    importLine('ort', 'onnxruntime-node'),
    `const session = await ort.InferenceSession.create('onnx/${first.name}.onnx');`,
    `const { ${outs} } = await session.run({`,
    `  ${ortFeeds},`,
    '});',
    '```',
    '',
    'In a web page, import `onnxruntime-web` instead (the same calls); the path is then a URL, as for `tf.loadGraphModel`.',
    '',
    `Inputs are fed by name (${feeds.map((f) => `\`${f}\``).join(', ')} here). Images go in and come out flattened, channels-last:`,
    `reshape a row to [${shape.height}, ${shape.width}, ${shape.channels}] to see it.`,
    '',
    '## Networks',
  ];
  for (const g of graphs) {
    lines.push('', `### ${g.name}`, '', `${g.about}.`, '', ...ports('Inputs', g.inputs), '', ...ports('Outputs', g.outputs));
  }
  lines.push('', '## Sampling', '', samplingText(t), '');
  return lines.join('\n');
}

function samplingText(t: StockTopology): string {
  const cfg = t.config;
  if (cfg.model === 'cvae' && cfg.form === 3)
    return 'This CVAE predicts labels: `classifier` gives class probabilities of an image; it decodes no images.';
  const noise =
    cfg.likelihood === 'gaussian-learned'
      ? ' To draw pixels instead of the mean, add exp(logvar / 2) times standard normal noise to `mean`.'
      : cfg.likelihood === 'bernoulli' || cfg.likelihood === 'binarized'
        ? ' To draw binary pixels, compare `mean` with uniform noise.'
        : '';
  if (cfg.model === 'ae' || cfg.model === 'dae')
    return `An autoencoder has no prior: decode codes from \`encoder\`, or points between them.${noise}`;
  if (cfg.model === 'hvae') {
    return `Draw the top level from N(0, I), then each level below from its \`prior-z*\` network (mu + exp(logvar / 2) * noise) down to z1, and decode z1.${noise}`;
  }
  if (cfg.model === 'cvae' && (cfg.form === 1 || cfg.form === 4))
    return `Draw z from \`prior\` for a label (mu + exp(logvar / 2) * noise) and decode it.${noise}`;
  return `Draw z from N(0, I) and decode it${cfg.model === 'cvae' ? ' with a one-hot label' : ''}.${noise}`;
}

/**
 * An import line for the README (`import * as tf from` the package), built from parts: spelled
 * out, it would sit in the app's bundle looking like an import of a package the app does not ship.
 */
function importLine(name: string, pkg: string): string {
  const quoted = `'${pkg}'`;
  return `import * as ${name} from ${quoted};`;
}
