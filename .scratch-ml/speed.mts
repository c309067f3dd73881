import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/main/core/backend.ts';
import { createModel } from '../src/main/core/model/vae.ts';
import { Rng, deriveSeed } from '../src/main/core/model/rng.ts';
const be = await initBackend((process.argv[2] as any) ?? 'wasm');
console.log(be);
const fam = (process.argv[3] ?? 'mlp') as any;
const m = createModel({ model: 'vae', family: fam, latent: 20, likelihood: 'bernoulli', beta: 1 }, { height: 28, width: 28, channels: 1 }, 10, 1);
const opt = tf.train.adam(1e-3);
const N = 2048, B = 128;
const data = new Float32Array(N * 784); const r = new Rng(3); for (let i = 0; i < data.length; i++) data[i] = r.uniform() < 0.2 ? r.uniform() : 0;
const X = tf.tensor2d(data, [N, 784]);
const steps = Number(process.argv[4] ?? 60);
let t0 = performance.now(); let losses: number[] = [];
for (let s = 0; s < steps; s++) {
  if (s === 10) t0 = performance.now();
  const off = (s * B) % N;
  const l = tf.tidy(() => {
    const xb = tf.slice(X, [off, 0], [B, 784]);
    const rng = new Rng(deriveSeed(1, s));
    const cost = opt.minimize(() => m.lossParts(xb, undefined, { beta: 1, training: true, rng }).loss, true, m.variables)!;
    return cost;
  });
  losses.push(l.dataSync()[0]); l.dispose();
}
const dt = (performance.now() - t0) / 1000;
console.log('img/s', ((steps - 10) * B / dt).toFixed(0), 'loss', losses[0].toFixed(1), losses.at(-1)!.toFixed(1), 'tensors', tf.memory().numTensors);
