// A trained model's networks written out as graphs (graph.ts): the same layers, in the same
// order, as model/networks.ts runs them, read off the weights by name. The decoder ends in what
// the app shows (the likelihood's mean image), so a loaded model gives the app's own pictures.
// tests/export/stock-model.test.ts holds every kind and family to the app's decode and encode.
import { latentSizes, type NormalizedModelConfig } from '../../model/config.js';
import type { Activation, NamedWeight } from '../../model/layers.js';
import { CB_SERIES_BELOW, MIN_LOGVAR, outputsPerPixel } from '../../model/likelihood.js';
import type { ImageShape } from '../../model/networks.js';
import { Graph, type Value } from './graph.js';

/** What the exporter needs to know of a model: a checkpoint's topology. */
export interface StockTopology {
  config: NormalizedModelConfig;
  shape: ImageShape;
  numClasses: number;
}

/** The weights by their app names, each becoming a constant of the graph that uses it. */
class Weights {
  private readonly byName = new Map<string, NamedWeight>();
  constructor(list: NamedWeight[]) {
    for (const w of list) this.byName.set(w.name, w);
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
  take(g: Graph, name: string): Value {
    const w = this.byName.get(name);
    if (!w) throw new Error(`model export: the weights have no parameter ${name}`);
    return g.constant(name, w.shape, w.data);
  }
  shape(name: string): number[] {
    return this.byName.get(name)?.shape ?? [];
  }
}

function activate(g: Graph, x: Value, act: Activation): Value {
  return act === 'linear' ? x : g.unary(act, x);
}

/** model/networks.ts `mlp`: dense layers prefix/dense0.., `act` between and `lastAct` after the last. */
function mlp(g: Graph, w: Weights, prefix: string, x: Value, act: Activation, lastAct: Activation): Value {
  let h = x;
  for (let i = 0; w.has(`${prefix}/dense${i}/W`); i++) {
    const last = !w.has(`${prefix}/dense${i + 1}/W`);
    h = g.binary('add', g.matmul(h, w.take(g, `${prefix}/dense${i}/W`)), w.take(g, `${prefix}/dense${i}/b`));
    h = activate(g, h, last ? lastAct : act);
  }
  return h;
}

/** model/networks.ts `buildEncoder`: [x, extra] -> numbers per image; `extra` joins after the convs. */
function encoderNet(g: Graph, w: Weights, cfg: NormalizedModelConfig, shape: ImageShape, prefix: string, x: Value, extra?: Value): Value {
  const act = cfg.activation;
  if (cfg.family === 'mlp') return mlp(g, w, prefix, extra ? g.concat([x, extra], 1) : x, act, 'linear');
  let t = g.reshape(x, [shape.height, shape.width, shape.channels]);
  for (let i = 0; w.has(`${prefix}/conv${i}/W`); i++) {
    t = activate(g, g.conv2d(t, w.take(g, `${prefix}/conv${i}/W`), w.take(g, `${prefix}/conv${i}/b`), 2), act);
  }
  const [, h, wd, c] = t.shape as number[];
  const features = g.reshape(t, [h! * wd! * c!]);
  return mlp(g, w, prefix, extra ? g.concat([features, extra], 1) : features, act, 'linear');
}

/** model/networks.ts `buildDecoder`: [z, y] -> [b, H*W*C*mult] (logits, then log-variance channels). */
function decoderNet(g: Graph, w: Weights, cfg: NormalizedModelConfig, shape: ImageShape, z: Value): Value {
  const act = cfg.activation;
  if (cfg.family === 'mlp') return mlp(g, w, 'dec', z, act, 'linear');
  let depth = 0;
  while (w.has(`dec/upconv${depth}/W`)) depth++;
  const c0 = w.shape('dec/upconv0/W')[2]!;
  let t = g.reshape(mlp(g, w, 'dec', z, act, act), [shape.height / 2 ** depth, shape.width / 2 ** depth, c0]);
  for (let i = 0; i < depth; i++) {
    // sub-pixel upsampling: a 2x2 'same' conv to 4x the channels, then depth-to-space by 2
    const conv = g.conv2d(t, w.take(g, `dec/upconv${i}/W`), w.take(g, `dec/upconv${i}/b`), 1);
    t = g.depthToSpace(activate(g, conv, i === depth - 1 ? 'linear' : act), 2);
  }
  const [, h, wd, c] = t.shape as number[];
  return g.reshape(t, [h! * wd! * c!]);
}

/** likelihood.ts `meanImage`: the mean of p(x|z) from the logits, [b, D] in 0..1. */
function meanImage(g: Graph, cfg: NormalizedModelConfig, logits: Value): Value {
  if (cfg.likelihood !== 'cbernoulli') return g.unary('sigmoid', logits);
  // continuous Bernoulli: sigmoid(l) / tanh(l/2) - 1/l, and its series near l = 0
  const eps = g.scalar(CB_SERIES_BELOW);
  const near = g.binary('less', g.unary('abs', logits), eps);
  const safe = g.where(near, eps, logits);
  const ratio = g.binary('div', g.unary('sigmoid', safe), g.unary('tanh', g.binary('div', safe, g.scalar(2))));
  const big = g.binary('sub', ratio, g.unary('reciprocal', safe));
  const cubic = g.binary('sub', g.scalar(1 / 12), g.binary('div', g.binary('mul', logits, logits), g.scalar(720)));
  const small = g.binary('add', g.scalar(0.5), g.binary('mul', logits, cubic));
  return g.clip(g.where(near, small, big), 0, 1);
}

const PIXELS = 'channels-last order: pixel (row i, column j, channel c) at (i * W + j) * C + c';

function imageInput(g: Graph, shape: ImageShape): Value {
  const { height: H, width: W, channels: C } = shape;
  return g.input('x', [H * W * C], `images, ${H}x${W}x${C} flattened in ${PIXELS}; values 0..1`);
}

function labelInput(g: Graph, classes: number): Value {
  return g.input('y', [classes], `one-hot labels, ${classes} classes (row k is 1 for class k, 0 elsewhere)`);
}

/** Splits [b, 2d] into the Gaussian's mean and log-variance outputs. */
function gaussianOutputs(g: Graph, h: Value, d: number, of: string): void {
  g.output('mu', g.slice(h, 1, 0, d), `mean of ${of}`);
  g.output('logvar', g.slice(h, 1, d, 2 * d), `log-variance of ${of} (its standard deviation is exp(logvar / 2))`);
}

const MEAN_ABOUT: Record<NormalizedModelConfig['likelihood'], string> = {
  bernoulli: 'pixel probabilities of the Bernoulli p(x|z), which are also its mean image; 0..1',
  binarized: 'pixel probabilities of the Bernoulli p(x|z) (trained on binarized images), its mean image; 0..1',
  cbernoulli: 'mean image of the continuous Bernoulli p(x|z); 0..1',
  gaussian: 'mean image of the Gaussian p(x|z), whose standard deviation is fixed (the README says it); 0..1',
  'gaussian-learned': 'mean image of the Gaussian p(x|z); 0..1',
};

/** The decoder p(x|z) (and y for a conditional one): the mean image, and the log-variance when learned. */
function decoderGraph(w: Weights, t: StockTopology, labels: number): Graph {
  const { config: cfg, shape } = t;
  const g = new Graph('decoder', 'p(x | z): the image a code decodes to');
  const D = shape.height * shape.width * shape.channels;
  // an hvae decodes its bottom level, z1, which its prior-z1 network gives
  const z = g.input(cfg.model === 'hvae' ? 'z1' : 'z', [cfg.latent], `latent codes, ${cfg.latent} numbers each; ${priorWords(cfg)}`);
  const out = decoderNet(g, w, cfg, shape, labels ? g.concat([z, labelInput(g, labels)], 1) : z);
  let logits = out;
  let logvar: Value | null = null;
  if (outputsPerPixel(cfg.likelihood) === 2) {
    // channels-last [b, H, W, 2C]: the mean's logits in the first C channels, the log-variance after
    const t4 = g.reshape(out, [shape.height, shape.width, 2 * shape.channels]);
    logits = g.reshape(g.slice(t4, 3, 0, shape.channels), [D]);
    const raw = g.reshape(g.slice(t4, 3, shape.channels, 2 * shape.channels), [D]);
    // likelihood.ts boundLogvar: softplus(raw - MIN) + MIN keeps it above MIN_LOGVAR
    logvar = g.binary('add', g.unary('softplus', g.binary('sub', raw, g.scalar(MIN_LOGVAR))), g.scalar(MIN_LOGVAR));
  }
  g.output('mean', meanImage(g, cfg, logits), `${MEAN_ABOUT[cfg.likelihood]}; ${PIXELS}`);
  if (logvar) g.output('logvar', logvar, `per-pixel log-variance of the Gaussian p(x|z), above ${MIN_LOGVAR}; same order as mean`);
  return g;
}

function priorWords(cfg: NormalizedModelConfig): string {
  if (cfg.model === 'ae' || cfg.model === 'dae') return 'an autoencoder has no prior: use codes near those the encoder gives';
  if (cfg.model === 'hvae') return 'draw them from prior-z1';
  if (cfg.model === 'cvae' && (cfg.form === 1 || cfg.form === 4)) return 'draw them for a class from prior';
  return 'the prior is N(0, I)';
}

/** The encoder q(z|x) (and y where it sees the label): mean and log-variance, or the code of an autoencoder. */
function encoderGraph(w: Weights, t: StockTopology, labels: number): Graph {
  const { config: cfg, shape } = t;
  const g = new Graph(
    'encoder',
    cfg.model === 'hvae' ? 'q(z1 | x): the bottom level of the code of an image' : 'q(z | x): the code of an image',
  );
  const x = imageInput(g, shape);
  const h = encoderNet(g, w, cfg, shape, 'enc', x, labels ? labelInput(g, labels) : undefined);
  if (cfg.model === 'ae' || cfg.model === 'dae') g.output('z', h, `the code, ${cfg.latent} numbers`);
  else gaussianOutputs(g, h, cfg.latent, cfg.model === 'hvae' ? 'q(z1 | x)' : 'q(z | x)');
  return g;
}

/** A Gaussian over `d` numbers from one MLP of the input (HVAE levels, the CVAE's learned p(z|y)). */
function gaussianMlpGraph(
  w: Weights,
  act: Activation,
  name: string,
  about: string,
  prefix: string,
  input: { name: string; size: number; about: string },
  d: number,
): Graph {
  const g = new Graph(name, about);
  const x = g.input(input.name, [input.size], input.about);
  gaussianOutputs(g, mlp(g, w, prefix, x, act, 'linear'), d, about.split(':')[0]!);
  return g;
}

/** CVAE form 3: p(z|x) and the classifier p(y|x) at the prior's mean, as the app predicts. */
function predictiveGraphs(w: Weights, t: StockTopology): Graph[] {
  const { config: cfg, shape, numClasses: K } = t;
  const L = cfg.latent;
  const prior = new Graph('prior', 'p(z | x): the prior over codes given an image');
  gaussianOutputs(prior, encoderNet(prior, w, cfg, shape, 'prior', imageInput(prior, shape)), L, 'p(z | x)');
  const cls = new Graph('classifier', 'p(y | x, z = mean of p(z | x)): class probabilities of an image');
  const x = imageInput(cls, shape);
  const mu = cls.slice(encoderNet(cls, w, cfg, shape, 'prior', x), 1, 0, L);
  const logits = encoderNet(cls, w, cfg, shape, 'cls', x, mu);
  cls.output('probs', cls.unary('softmax', logits), `probability of each of the ${K} classes; rows sum to 1`);
  return [encoderGraph(w, t, K), prior, cls];
}

/** Every network of the model a person may want on its own, each as one graph. */
export function stockGraphs(t: StockTopology, weights: NamedWeight[]): Graph[] {
  const w = new Weights(weights);
  const cfg = t.config;
  const K = t.numClasses;
  const act = cfg.activation;
  if (cfg.model === 'cvae' && cfg.form === 3) return predictiveGraphs(w, t);
  const netLabels = cfg.model === 'cvae' && cfg.form !== 4 ? K : 0;
  const graphs = [decoderGraph(w, t, netLabels), encoderGraph(w, t, netLabels)];
  if (cfg.model === 'cvae' && (cfg.form === 1 || cfg.form === 4)) {
    const y = { name: 'y', size: K, about: `one-hot labels, ${K} classes` };
    graphs.push(gaussianMlpGraph(w, 'linear', 'prior', 'p(z | y): the prior over codes of a class', 'prior', y, cfg.latent));
  }
  if (cfg.model === 'hvae') {
    const sizes = latentSizes(cfg);
    for (let level = 2; level <= sizes.length; level++) {
      const below = { name: `z${level - 1}`, size: sizes[level - 2]!, about: `codes of level ${level - 1}` };
      const above = { name: `z${level}`, size: sizes[level - 1]!, about: `codes of level ${level}` };
      const top = level === sizes.length ? `; p(z${level}) is N(0, I)` : '';
      graphs.push(
        gaussianMlpGraph(
          w,
          act,
          `prior-z${level - 1}`,
          `p(z${level - 1} | z${level}): level ${level - 1} given the one above${top}`,
          `prior${level - 1}`,
          above,
          sizes[level - 2]!,
        ),
        gaussianMlpGraph(
          w,
          act,
          `encoder-z${level}`,
          `q(z${level} | z${level - 1}): level ${level} given the one below`,
          `enc${level}`,
          below,
          sizes[level - 1]!,
        ),
      );
    }
  }
  return graphs;
}
