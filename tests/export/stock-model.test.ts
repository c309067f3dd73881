// The stock exports load with the stock libraries and agree with the app: every model kind in
// both families, with random weights, written as TensorFlow.js graph models and ONNX, loaded
// by @tensorflow/tfjs-converter (what tf.loadGraphModel is), onnxruntime-node and
// onnxruntime-web (its wasm backend, what a web page runs) in plain Node, and run on the same
// 16 codes and 16 images as the app's own decode and encode.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { writeStockModels } from '../../src/main/core/export/stock/index.js';
import { createModel, oneHot, type VaeModel } from '../../src/main/core/model/vae.js';
import { Rng } from '../../src/main/core/model/rng.js';
import type { ModelConfig } from '../../src/main/core/types.js';

const TOLERANCE = 1e-5;
const N = 16;
const scratch = mkdtempSync(join(tmpdir(), 'll-stock-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend('wasm');
  ortWeb.env.wasm.numThreads = 1; // the page's default where it is not cross-origin isolated
});

/** A graph model read from its folder the way tf.loadGraphModel reads one over HTTP. */
function fromFolder(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const bytes = Buffer.concat(manifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p))));
        const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        return [manifest.flatMap((g) => g.weights), data];
      });
    },
  };
}

interface Case {
  name: string;
  cfg: Partial<ModelConfig> & Pick<ModelConfig, 'model' | 'family' | 'likelihood'>;
  shape?: { height: number; width: number; channels: number };
}

const CASES: Case[] = [
  { name: 'ae mlp', cfg: { model: 'ae', family: 'mlp', likelihood: 'bernoulli' } },
  { name: 'ae conv', cfg: { model: 'ae', family: 'conv', likelihood: 'gaussian' } },
  { name: 'vae mlp', cfg: { model: 'vae', family: 'mlp', likelihood: 'cbernoulli' } },
  {
    name: 'vae conv rgb',
    cfg: { model: 'vae', family: 'conv', likelihood: 'gaussian-learned' },
    shape: { height: 32, width: 32, channels: 3 },
  },
  { name: 'cvae mlp', cfg: { model: 'cvae', family: 'mlp', likelihood: 'gaussian-learned', activation: 'tanh' } },
  { name: 'cvae conv', cfg: { model: 'cvae', family: 'conv', likelihood: 'bernoulli' } },
  { name: 'cvae mlp learned prior', cfg: { model: 'cvae', family: 'mlp', likelihood: 'bernoulli', form: 1 } },
  { name: 'cvae conv prior only', cfg: { model: 'cvae', family: 'conv', likelihood: 'cbernoulli', form: 4 } },
  { name: 'cvae mlp predictive', cfg: { model: 'cvae', family: 'mlp', likelihood: 'bernoulli', form: 3 } },
  { name: 'cvae conv predictive', cfg: { model: 'cvae', family: 'conv', likelihood: 'bernoulli', form: 3 } },
  { name: 'hvae mlp', cfg: { model: 'hvae', family: 'mlp', likelihood: 'bernoulli', levels: 3 } },
  { name: 'hvae conv', cfg: { model: 'hvae', family: 'conv', likelihood: 'gaussian' } },
  { name: 'dae mlp', cfg: { model: 'dae', family: 'mlp', likelihood: 'bernoulli', noise: { kind: 'gaussian', level: 0.3 } } },
  { name: 'dae conv', cfg: { model: 'dae', family: 'conv', likelihood: 'cbernoulli', noise: { kind: 'mask', level: 0.3 } } },
];

const CLASSES = 3;

/** Random weights, biases too (a fresh model's are zero, which would hide a missing bias). */
function randomize(model: VaeModel, rng: Rng): void {
  model.setWeights(
    model.getWeights().map((w) => {
      const data = Float32Array.from(w.data, (v) => v + (rng.uniform() - 0.5) * 0.2);
      return { ...w, data };
    }),
  );
}

function uniform(rng: Rng, n: number, scale = 1, shift = 0): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.uniform() + shift) * scale);
}

/** What the app itself computes for each network's outputs, from the same inputs. */
function appOutputs(model: VaeModel, graph: string, inputs: Record<string, tf.Tensor2D>): Record<string, tf.Tensor> | null {
  const { x, y } = inputs;
  const z = inputs.z ?? inputs.z1; // an hvae decodes z1
  const gauss = (g: { mu: tf.Tensor; logvar: tf.Tensor | null }) => ({ mu: g.mu, logvar: g.logvar! });
  if (graph === 'decoder') {
    const p = model.decodeParams(z!, y);
    return { mean: model.decode(z!, y), ...(p.logvar ? { logvar: p.logvar } : {}) };
  }
  if (graph === 'encoder') {
    const q = model.encode(x!, y);
    return model.stochastic ? gauss(q) : { z: q.mu };
  }
  if (graph === 'classifier') return { probs: model.predict!(x!) };
  if (graph === 'prior') return model.priorZ ? gauss(model.priorZ(y!)) : null; // form 3's p(z|x) is seen through the classifier
  const level = /^(prior|encoder)-z(\d)$/.exec(graph);
  if (level?.[1] === 'prior') return gauss(model.priorLevel!(Number(level[2]), inputs[`z${Number(level[2]) + 1}`]!));
  if (level?.[1] === 'encoder') return gauss(model.encodeLevel!(Number(level[2]), inputs[`z${Number(level[2]) - 1}`]!));
  throw new Error(`no app counterpart for ${graph}`);
}

function maxDiff(a: Float32Array | number[], b: Float32Array | number[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('stock model export', () => {
  for (const c of CASES) {
    it(`${c.name}: TensorFlow.js and ONNX give the app's outputs`, async () => {
      const shape = c.shape ?? { height: 28, width: 28, channels: 1 };
      const cfg: ModelConfig = { latent: 6, hidden: [24], beta: 1, ...c.cfg };
      const model = createModel(cfg, shape, CLASSES, 11);
      const rng = new Rng(5);
      randomize(model, rng);
      const dir = join(scratch, c.name.replace(/ /g, '-'));
      const files = await writeStockModels(
        dir,
        { config: model.config, shape, numClasses: CLASSES },
        model.getWeights(),
        'Latent Lab test',
      );
      expect(files.some((f) => f.endsWith('README.md'))).toBe(true);
      const graphs = files
        .filter((f) => f.endsWith('.onnx'))
        .map((f) =>
          f
            .split('/')
            .pop()!
            .replace(/\.onnx$/, ''),
        );
      expect(graphs).toContain('encoder');
      if (model.decodesImages) expect(graphs).toContain('decoder');
      const D = model.inputSize;
      const sizes: Record<string, number> = { x: D, y: CLASSES, z: model.latent };
      model.latentSizes.forEach((s, i) => (sizes[`z${i + 1}`] = s));
      const data: Record<string, Float32Array> = {
        x: uniform(rng, N * D),
        y: (() => {
          const t = oneHot(
            Array.from({ length: N }, (_, i) => i % CLASSES),
            CLASSES,
          );
          const d = t.dataSync() as Float32Array;
          t.dispose();
          return d;
        })(),
      };
      for (const [name, size] of Object.entries(sizes)) if (name.startsWith('z')) data[name] = uniform(rng, N * size, 4, -0.5);
      let compared = 0;
      for (const name of graphs) {
        const gm = await loadGraphModel(fromFolder(join(dir, 'tfjs', name)));
        const session = await ort.InferenceSession.create(join(dir, 'onnx', `${name}.onnx`));
        const inputNames = session.inputNames;
        const feeds = Object.fromEntries(inputNames.map((n) => [n, new ort.Tensor('float32', data[n]!, [N, sizes[n]!])]));
        const fromOnnx = await session.run(feeds);
        const onnxBytes = await readFile(join(dir, 'onnx', `${name}.onnx`));
        const webSession = await ortWeb.InferenceSession.create(onnxBytes, { executionProviders: ['wasm'] });
        const webFeeds = Object.fromEntries(inputNames.map((n) => [n, new ortWeb.Tensor('float32', data[n]!, [N, sizes[n]!])]));
        const fromWeb = await webSession.run(webFeeds);
        await webSession.release();
        tf.tidy(() => {
          const inputs = Object.fromEntries(inputNames.map((n) => [n, tf.tensor2d(data[n]!, [N, sizes[n]!])]));
          const fromTf = gm.predict(inputs) as tf.NamedTensorMap;
          const want = appOutputs(model, name, inputs);
          expect(Object.keys(fromTf).sort()).toEqual([...session.outputNames].sort());
          if (!want) return;
          expect(Object.keys(fromTf).sort()).toEqual(Object.keys(want).sort());
          for (const [out, expected] of Object.entries(want)) {
            const e = expected.dataSync() as Float32Array;
            expect(fromTf[out]!.shape, `${name}.${out}`).toEqual(expected.shape);
            expect(fromOnnx[out]!.dims, `${name}.${out}`).toEqual(expected.shape);
            expect(maxDiff(fromTf[out]!.dataSync() as Float32Array, e), `tfjs ${name}.${out}`).toBeLessThan(TOLERANCE);
            expect(maxDiff(fromOnnx[out]!.data as Float32Array, e), `onnx ${name}.${out}`).toBeLessThan(TOLERANCE);
            expect(fromWeb[out]!.dims, `${name}.${out}`).toEqual(expected.shape);
            expect(maxDiff(fromWeb[out]!.data as Float32Array, e), `onnxruntime-web ${name}.${out}`).toBeLessThan(TOLERANCE);
            compared++;
          }
        });
        gm.dispose();
        await session.release();
      }
      expect(compared).toBeGreaterThanOrEqual(2);
      model.dispose();
    });
  }
});
