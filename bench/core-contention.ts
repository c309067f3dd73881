// `npx tsx bench/core-contention.ts`: do two wasm engines on two cores each run as fast as one
// alone? The reference MLP VAE's step on a 64-image share (what each of two data-parallel
// threads computes per 128-image batch), timed in one process alone, then in two at
// once, and the 28x28 conv's likewise. If the two cores were independent, the step times would
// match; what they lose together is the ceiling of data-parallel training on this machine.
// Not a test: it prints figures (bench/results.md keeps them).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Job {
  family: 'mlp' | 'conv';
  rows: number;
  steps: number;
}

async function stepTimes(job: Job): Promise<number[]> {
  const tf = await import('@tensorflow/tfjs-core');
  const { initBackend } = await import('../src/main/core/backend.js');
  const { createModel } = await import('../src/main/core/model/vae.js');
  const { Rng } = await import('../src/main/core/model/rng.js');
  const { shareLoss } = await import('../src/main/core/train/step.js');
  await initBackend('wasm', 'train');
  const cfg =
    job.family === 'mlp'
      ? { model: 'vae', family: 'mlp', latent: 20, hidden: [400], activation: 'relu', likelihood: 'bernoulli', beta: 1 }
      : { model: 'vae', family: 'conv', latent: 20, likelihood: 'bernoulli', beta: 1 };
  const model = createModel(cfg as never, { height: 28, width: 28, channels: 1 }, 0, 1);
  const opt = tf.train.adam(1e-3);
  const x = tf.randomUniform([job.rows, 784]) as import('@tensorflow/tfjs-core').Tensor2D;
  const times: number[] = [];
  for (let i = 0; i < job.steps + 5; i++) {
    const t0 = performance.now();
    const kept: { recon?: import('@tensorflow/tfjs-core').Scalar; kl?: import('@tensorflow/tfjs-core').Scalar } = {};
    tf.tidy(() => {
      opt.minimize(() => shareLoss(model, x, undefined, 1, new Rng(i), 1, kept), true, model.variables)!.dataSync();
    });
    tf.dispose([kept.recon!, kept.kl!]);
    if (i >= 5) times.push(performance.now() - t0); // the first steps pack kernels
  }
  return times;
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/** n processes at once, each one engine on its own core, each printing its step times. */
function inProcesses(n: number, job: Job): Promise<number[][]> {
  const self = fileURLToPath(import.meta.url);
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<number[]>((resolve, reject) => {
          const child = spawn(process.execPath, [...process.execArgv, self], {
            env: { ...process.env, CONTENTION_JOB: JSON.stringify(job) },
          });
          let out = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.on('error', reject);
          child.on('exit', (code) =>
            code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as number[]) : reject(new Error(`exit ${code}`)),
          );
        }),
    ),
  );
}

if (process.env.CONTENTION_JOB) {
  console.log(JSON.stringify(await stepTimes(JSON.parse(process.env.CONTENTION_JOB) as Job)));
} else {
  const rows: string[] = [];
  for (const job of [
    { family: 'mlp', rows: 64, steps: 60 },
    { family: 'conv', rows: 64, steps: 12 },
  ] as Job[]) {
    const [alone] = await inProcesses(1, job);
    const pair = await inProcesses(2, job);
    const a = median(alone!);
    const b = pair.map(median);
    rows.push(
      `| ${job.family} step, ${job.rows} images | ${a.toFixed(1)} | ${b.map((t) => t.toFixed(1)).join(' / ')} | ${((a / Math.max(...b)) * 2).toFixed(2)}x |`,
    );
  }
  console.log('\none wasm engine alone, then two at once (one per core), median step ms\n');
  console.log('| work | alone | two at once (each) | two engines vs one |\n|---|---|---|---|');
  for (const r of rows) console.log(r);
}
