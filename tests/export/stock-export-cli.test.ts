// `export-model` (the CLI over export:model) writes the stock models beside the app's own
// format, and the decoder it wrote, loaded by the stock libraries, draws what the run draws.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { latestCheckpointDir, loadRunModel, readCheckpointJson } from '../../src/main/core/train/index.js';
import { withTinyRun } from './tiny-run';

const t = withTinyRun('ll-export-stock-', 2);

/** The one run folder's checkpoint the export read. */
async function checkpointOfTheRun(): Promise<string> {
  const runs = join(t.dir(), 'runs');
  const [run] = readdirSync(runs);
  return (await latestCheckpointDir(join(runs, run!)))!;
}

describe('export-model', () => {
  it('writes TensorFlow.js and ONNX models that decode as the run does, and keeps the app format', async () => {
    const out = join(t.dir(), 'exported');
    const r = await t.cli('export-model', '--run', 'last', '--out', out);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/README\.md/);
    for (const f of [
      'model.json',
      'weights.bin',
      'README.md',
      'tfjs/decoder/model.json',
      'tfjs/encoder/model.json',
      'onnx/decoder.onnx',
      'onnx/encoder.onnx',
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toContain("tf.loadGraphModel('tfjs/decoder/model.json')");
    expect(readme).toContain("ort.InferenceSession.create('onnx/decoder.onnx')");
    expect(readme).toMatch(/`mean` \[batch, 784\]: pixel probabilities/);
    // the app's own format is still what bundles and resume read
    expect(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).format).toBe('latent-lab-vae');

    await initBackend('wasm');
    const dir = join(out, 'tfjs/decoder');
    const decoder = await loadGraphModel({
      load: async () =>
        tf.io.getModelArtifactsForJSON(JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON, async (m) => {
          const b = readFileSync(join(dir, m[0]!.paths[0]!));
          return [m[0]!.weights, b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer];
        }),
    });
    const session = await ort.InferenceSession.create(join(out, 'onnx/decoder.onnx'));
    const ckpt = await checkpointOfTheRun();
    expect((await readCheckpointJson(ckpt)).modelTopology.config.latent).toBe(2);
    const model = await loadRunModel(ckpt);
    const codes = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i) * 2);
    const z = tf.tensor2d(codes, [16, 2]);
    const want = model.decode(z).dataSync();
    const fromTf = (decoder.predict({ z }) as tf.NamedTensorMap).mean!.dataSync();
    const fromOnnx = (await session.run({ z: new ort.Tensor('float32', codes, [16, 2]) })).mean!.data as Float32Array;
    for (const got of [fromTf, fromOnnx]) {
      expect(got.length).toBe(16 * 784);
      expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-5);
    }
    model.dispose();
    await session.release();
  });
});
