// The hand-written gradients (dense, conv, depthToSpace, BCE, and the kernel gradients we
// register ourselves) against the cpu backend's autograd and against finite differences.
// The dense and conv layers are checked on cpu, wasm and, where Dawn finds an adapter (a
// software one counts: the numbers are the point here, not the speed), webgpu.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/core/backend.js';
import { probeAdapter } from '../../src/main/core/backends/webgpu.js';
import { conv2d, dense, depthToSpace, type Activation } from '../../src/main/core/model/layers.js';
import { bernoulliNll, negLogLik } from '../../src/main/core/model/likelihood.js';
import { Rng } from '../../src/main/core/model/rng.js';
import { dropTransposedWeight, setTransposedWeight } from '../../src/main/core/model/transposed-weights.js';

function randn(rng: Rng, shape: number[], scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = rng.fillNormal(new Float32Array(n));
  for (let i = 0; i < n; i++) d[i]! *= scale;
  return tf.tensor(d, shape);
}

/** max |a - b| / (max |b| + 1e-6): one relative error per whole tensor */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / (den + 1e-6);
}

type LayerBackend = 'cpu' | 'wasm' | 'webgpu';

const gpu = await probeAdapter();
if ('why' in gpu) console.warn(`gradients on webgpu not checked: ${gpu.why}`);
const LAYER_BACKENDS: LayerBackend[] = 'why' in gpu ? ['cpu', 'wasm'] : ['cpu', 'wasm', 'webgpu'];

async function onBackend<T>(name: LayerBackend, f: () => T): Promise<T> {
  await initBackend(name, 'train');
  return f();
}

/** Reads the tensors without dataSync (WebGPU cannot read synchronously in Node), then frees them. */
async function readAll(ts: tf.Tensor[]): Promise<Float32Array[]> {
  const out = await Promise.all(ts.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(ts);
  return out;
}

function actRef(t: tf.Tensor, act: Activation): tf.Tensor {
  return act === 'relu' ? tf.relu(t) : act === 'tanh' ? tf.tanh(t) : t;
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('dense layer gradient', () => {
  // [batch, in, out]: a batch larger than the layer (dx = d W^T) and a smaller one, where
  // dx is computed as (W d^T)^T to pack less
  const shapes: [number, number, number][] = [
    [9, 13, 6],
    [3, 20, 24],
  ];
  for (const [act, [n, k, m]] of (['relu', 'tanh', 'linear'] as Activation[]).flatMap((a) => shapes.map((sh) => [a, sh] as const))) {
    it(`matches cpu autograd (${act}, ${n}x${k} -> ${m}) on ${LAYER_BACKENDS.join(', ')}`, async () => {
      const rng = new Rng(7);
      const xv = randn(rng, [n, k]).dataSync().slice();
      const wv = randn(rng, [k, m], 0.4).dataSync().slice();
      const bv = randn(rng, [m], 0.1).dataSync().slice();
      const rv = randn(rng, [n, m]).dataSync().slice();

      // reference: plain ops, stock autograd (BatchMatMul's gradient) on cpu
      const ref = await onBackend('cpu', () =>
        tf.tidy(() => {
          const x = tf.tensor2d(xv, [n, k]);
          const w = tf.tensor2d(wv, [k, m]);
          const b = tf.tensor1d(bv);
          const r = tf.tensor2d(rv, [n, m]);
          const g = tf.grads((xi, wi, bi) => tf.sum(tf.mul(actRef(tf.add(tf.matMul(xi, wi), bi), act), r)));
          return g([x, w, b]).map((t) => t.dataSync().slice());
        }),
      );

      // with a transposed copy of W too, as data-parallel training keeps (the forward is then
      // (W^T x^T)^T), where the batch is the smaller side
      const transposedToo = n * (k + m) < k * m;
      for (const [backend, transposed] of LAYER_BACKENDS.flatMap(
        (be) =>
          (transposedToo
            ? [
                [be, false],
                [be, true],
              ]
            : [[be, false]]) as [LayerBackend, boolean][],
      )) {
        const got = await onBackend(backend, async () => {
          const w = tf.variable(tf.tensor2d(wv, [k, m]));
          const b = tf.variable(tf.tensor1d(bv));
          if (transposed) setTransposedWeight(w);
          const out = tf.tidy(() => {
            const x = tf.tensor2d(xv, [n, k]);
            const r = tf.tensor2d(rv, [n, m]);
            const dx = tf.grad((xi) => tf.sum(tf.mul(dense(xi as tf.Tensor2D, w, b, act, true), r)))(x);
            const vg = tf.variableGrads(() => tf.sum(tf.mul(dense(x, w, b, act, false), r)) as tf.Scalar, [w, b]);
            return [dx, vg.grads[w.name]!, vg.grads[b.name]!];
          });
          const read = await readAll(out);
          dropTransposedWeight(w);
          w.dispose();
          b.dispose();
          return read;
        });
        const on = `${backend}${transposed ? ' from W^T' : ''}`;
        expect(relErr(got[0]!, ref[0]!), `${on} dx`).toBeLessThan(1e-4);
        expect(relErr(got[1]!, ref[1]!), `${on} dW`).toBeLessThan(1e-4);
        expect(relErr(got[2]!, ref[2]!), `${on} db`).toBeLessThan(1e-4);
      }
    });
  }
});

describe('dense forward from a transposed copy of W', () => {
  it('is taken while the copy is of the weights the variable holds, and only then', async () => {
    await initBackend('wasm');
    const rng = new Rng(3);
    const w = tf.variable(randn(rng, [40, 30], 0.3) as tf.Tensor2D);
    const b = tf.variable(randn(rng, [30], 0.1) as tf.Tensor1D);
    const x = randn(rng, [4, 40]) as tf.Tensor2D;
    const kernels = async () => (await tf.profile(() => dense(x, w, b, 'relu', true))).kernelNames;
    const want = () =>
      tf.tidy(() =>
        tf
          .relu(tf.add(tf.matMul(x, w), b))
          .dataSync()
          .slice(),
      );
    const close = (got: ArrayLike<number>) => expect(relErr(got, want())).toBeLessThan(1e-5);

    setTransposedWeight(w);
    expect(await kernels(), 'W^T x^T rather than the fused x W').not.toContain('_FusedMatMul');
    close(tf.tidy(() => dense(x, w, b, 'relu', true).dataSync().slice()));
    // new weights (as a resume or setWeights gives): the copy is of the old ones and unused
    w.assign(randn(rng, [40, 30], 0.3) as tf.Tensor2D);
    expect(await kernels()).toContain('_FusedMatMul');
    close(tf.tidy(() => dense(x, w, b, 'relu', true).dataSync().slice()));
    // at a batch larger than the layer, packing W costs less: the copy is left alone
    setTransposedWeight(w);
    const wide = randn(rng, [64, 40]) as tf.Tensor2D;
    expect((await tf.profile(() => dense(wide, w, b, 'relu', true))).kernelNames).toContain('_FusedMatMul');
    const before = tf.memory().numTensors;
    dropTransposedWeight(w);
    expect(tf.memory().numTensors, 'dropping the copy frees it').toBe(before - 1);
    tf.dispose([w, b, x, wide]);
  });
});

describe('conv layer gradient', () => {
  const cases = [
    { side: 28, cin: 1, cout: 4, k: 4, s: 2, act: 'relu' as Activation },
    { side: 14, cin: 3, cout: 5, k: 4, s: 2, act: 'tanh' as Activation },
    { side: 7, cin: 4, cout: 8, k: 3, s: 1, act: 'relu' as Activation },
    { side: 9, cin: 2, cout: 3, k: 3, s: 2, act: 'linear' as Activation },
    { side: 8, cin: 2, cout: 3, k: 5, s: 1, act: 'linear' as Activation },
    { side: 7, cin: 6, cout: 8, k: 2, s: 1, act: 'relu' as Activation },
    // strided shapes with phases of unequal tap counts, and one with a phase of no taps
    { side: 10, cin: 2, cout: 3, k: 5, s: 2, act: 'linear' as Activation },
    { side: 8, cin: 3, cout: 2, k: 2, s: 2, act: 'relu' as Activation },
    { side: 6, cin: 2, cout: 3, k: 1, s: 2, act: 'linear' as Activation },
    { side: 12, cin: 2, cout: 2, k: 4, s: 3, act: 'linear' as Activation },
  ];
  for (const c of cases) {
    it(`matches cpu autograd: ${c.side}x${c.side}x${c.cin} -> ${c.cout}, k${c.k} s${c.s} ${c.act}`, async () => {
      await expectConvGradsMatch({ ...c, h: c.side, w: c.side });
    });
  }

  // Odd shapes, one after another in one engine: phases whose crop removes every row (which
  // WebGPU refuses as a zero-sized input), kernels smaller than the stride (where XNNPACK
  // cannot set up a one-hot patch conv), and a sequence that once aborted the wasm engine (a
  // saved filter sharing its tensor with the forward conv's cached one, used as a matmul's
  // cached operand).
  it('matches cpu autograd on tiny images, strides above the kernel, in one sequence', { timeout: 60_000 }, async () => {
    for (const [k, s] of [
      [6, 3],
      [2, 3],
      [3, 4],
    ] as const) {
      for (const [h, w] of [
        [1, 1],
        [2, 3],
        [9, 6],
      ] as const) {
        for (const cin of [1, 2, 5]) await expectConvGradsMatch({ h, w, cin, cout: 3, k, s, act: 'linear' });
      }
    }
  });
});

/** dx, dW and db of our conv2d on every layer backend against cpu autograd of tf.conv2d. */
async function expectConvGradsMatch(c: { h: number; w: number; cin: number; cout: number; k: number; s: number; act: Activation }) {
  const label = `${c.h}x${c.w}x${c.cin} -> ${c.cout}, k${c.k} s${c.s}`;
  const rng = new Rng(11);
  const n = 3;
  const [oh, ow] = [Math.ceil(c.h / c.s), Math.ceil(c.w / c.s)];
  const xs = [n, c.h, c.w, c.cin] as [number, number, number, number];
  const ws = [c.k, c.k, c.cin, c.cout] as [number, number, number, number];
  const rs = [n, oh, ow, c.cout] as [number, number, number, number];
  const xv = randn(rng, xs).dataSync().slice();
  const wv = randn(rng, ws, 0.3).dataSync().slice();
  const bv = randn(rng, [c.cout], 0.1).dataSync().slice();
  const rv = randn(rng, rs).dataSync().slice();

  const ref = await onBackend('cpu', () =>
    tf.tidy(() => {
      const g = tf.grads((xi, wi, bi) =>
        tf.sum(tf.mul(actRef(tf.add(tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, c.s, 'same'), bi), c.act), tf.tensor4d(rv, rs))),
      );
      return g([tf.tensor4d(xv, xs), tf.tensor4d(wv, ws), tf.tensor1d(bv)]).map((t) => t.dataSync().slice());
    }),
  );

  for (const backend of LAYER_BACKENDS) {
    const got = await onBackend(backend, async () => {
      const w = tf.variable(tf.tensor4d(wv, ws));
      const b = tf.variable(tf.tensor1d(bv));
      const res = tf.tidy(() => {
        const x = tf.tensor4d(xv, xs);
        const r = tf.tensor4d(rv, rs);
        const dx = tf.grad((xi) => tf.sum(tf.mul(conv2d(xi as tf.Tensor4D, w, b, c.s, c.act, true), r)))(x);
        const vg = tf.variableGrads(() => tf.sum(tf.mul(conv2d(x, w, b, c.s, c.act, false), r)) as tf.Scalar, [w, b]);
        return [dx, vg.grads[w.name]!, vg.grads[b.name]!];
      });
      const read = await readAll(res);
      w.dispose();
      b.dispose();
      return read;
    });
    expect(relErr(got[0]!, ref[0]!), `${backend} dx, ${label}`).toBeLessThan(1e-4);
    expect(relErr(got[1]!, ref[1]!), `${backend} dW, ${label}`).toBeLessThan(1e-4);
    expect(relErr(got[2]!, ref[2]!), `${backend} db, ${label}`).toBeLessThan(1e-4);
  }
}

describe('depthToSpace gradient', () => {
  it('equals the gradient of the equivalent reshape/transpose', async () => {
    await initBackend('cpu');
    const rng = new Rng(3);
    const x = randn(rng, [2, 3, 4, 8]) as tf.Tensor4D;
    const r = randn(rng, [2, 6, 8, 2]);
    const got = tf.grad((xi) => tf.sum(tf.mul(depthToSpace(xi as tf.Tensor4D, 2), r)))(x);
    // depthToSpace (NHWC, DCR order) as reshape + transpose
    const viaReshape = (xi: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(xi, [2, 3, 4, 2, 2, 2]), [0, 1, 3, 2, 4, 5]), [2, 6, 8, 2]);
    expect(relErr(tf.depthToSpace(x, 2).dataSync(), viaReshape(x).dataSync())).toBe(0);
    const want = tf.grad((xi) => tf.sum(tf.mul(viaReshape(xi), r)))(x);
    expect(relErr(got.dataSync(), want.dataSync())).toBeLessThan(1e-6);
  });
});

describe('registered kernel gradients', () => {
  // f(x) = sum(r * op(x)); compare tf.grad with central differences in float32
  const ops: [string, (x: tf.Tensor) => tf.Tensor, number][] = [
    ['exp', (x) => tf.exp(x), 1],
    ['log', (x) => tf.log(tf.add(tf.abs(x), 0.5)), 1],
    ['softplus', (x) => tf.softplus(x), 1],
    ['sigmoid', (x) => tf.sigmoid(x), 1],
    ['tanh', (x) => tf.tanh(x), 1],
    ['square', (x) => tf.square(x), 1],
    ['neg+sub', (x) => tf.sub(1, tf.neg(x)), 1],
    ['div', (x) => tf.div(x, tf.add(tf.square(x), 1)), 1],
    ['squaredDifference', (x) => tf.squaredDifference(x, tf.reverse(x, 1)), 1],
    ['broadcast add/mul', (x) => tf.mul(tf.add(x, tf.sum(x, 0)), tf.mean(x, 1, true)), 1],
    ['maximum', (x) => tf.maximum(x, 0.3), 1],
    ['where', (x) => tf.where(tf.less(x, 0), tf.exp(x), tf.add(x, 1)), 1],
    [
      'split/concat',
      (x) => {
        const [a, b] = tf.split(x, [2, 3], 1);
        return tf.concat([tf.mul(b!, 2), a!], 1);
      },
      1,
    ],
    [
      'slice/pad/transpose',
      (x) =>
        tf.pad(tf.transpose(tf.slice(x, [1, 1], [2, 3])), [
          [1, 0],
          [0, 2],
        ]),
      1,
    ],
    ['reshape/expandDims/mean', (x) => tf.expandDims(tf.mean(tf.reshape(x, [5, 4]), 0), 1), 1],
    ['sqrt/reciprocal', (x) => tf.reciprocal(tf.sqrt(tf.add(tf.square(x), 1))), 1],
    ['clipByValue', (x) => tf.clipByValue(x, -0.5, 0.5), 1],
    ['tile', (x) => tf.tile(x, [2, 3]), 1],
  ];
  for (const [name, op] of ops) {
    it(name, async () => {
      await initBackend('cpu');
      const rng = new Rng(5);
      // keep values away from kinks (0 for abs/relu, 0.3 for maximum, +-0.5 for clip)
      const base = rng.fillNormal(new Float32Array(20)).map((v) => v + (Math.abs(v) < 0.1 ? 0.2 : 0));
      for (let i = 0; i < base.length; i++)
        if (Math.abs(base[i]! - 0.3) < 0.05 || Math.abs(Math.abs(base[i]!) - 0.5) < 0.05) base[i]! += 0.12;
      const x = tf.tensor2d(base, [4, 5]);
      const outShape = op(x).shape;
      const r = tf.tensor(rng.fillNormal(new Float32Array(outShape.reduce((a, b) => a * b, 1))), outShape);
      const f = (t: tf.Tensor) => tf.sum(tf.mul(op(t), r));
      const g = tf.grad(f)(x).dataSync();
      const h = 1e-2;
      const fd = new Float32Array(base.length);
      for (let i = 0; i < base.length; i++) {
        const p = base.slice();
        const m = base.slice();
        p[i]! += h;
        m[i]! -= h;
        fd[i] = (f(tf.tensor2d(p, [4, 5])).dataSync()[0]! - f(tf.tensor2d(m, [4, 5])).dataSync()[0]!) / (2 * h);
      }
      expect(relErr(g, fd)).toBeLessThan(2e-2);
    });
  }
});

describe('Bernoulli likelihood', () => {
  it('equals -sum(x log p + (1-x) log(1-p)) and its custom gradient matches autograd', async () => {
    await initBackend('cpu');
    const rng = new Rng(9);
    const l = randn(rng, [3, 10], 3) as tf.Tensor2D;
    const x = tf.tensor2d(rng.fillUniform(new Float32Array(30)), [3, 10]);
    const nll = bernoulliNll(l, x).dataSync();
    const p = tf.sigmoid(l).dataSync();
    const xv = x.dataSync();
    for (let i = 0; i < 3; i++) {
      let want = 0;
      for (let j = 0; j < 10; j++) {
        const k = i * 10 + j;
        want -= xv[k]! * Math.log(p[k]!) + (1 - xv[k]!) * Math.log(1 - p[k]!);
      }
      expect(nll[i]).toBeCloseTo(want, 3);
    }
    // stable at extreme logits where log(sigmoid) would underflow
    const big = bernoulliNll(tf.tensor2d([[200, -200]]), tf.tensor2d([[0, 1]])).dataSync()[0]!;
    expect(big).toBeCloseTo(400, 3);
    const r = randn(rng, [3]);
    const custom = tf
      .grad((li) => tf.sum(tf.mul(bernoulliNll(li as tf.Tensor2D, x), r)))(l)
      .dataSync();
    const auto = tf
      .grad((li) => tf.sum(tf.mul(tf.sum(tf.sub(tf.softplus(li), tf.mul(x, li)), 1), r)))(l)
      .dataSync();
    expect(relErr(custom, auto)).toBeLessThan(1e-5);
  });

  it('gaussian and continuous-Bernoulli densities are normalised (integrate to 1 over a pixel)', async () => {
    await initBackend('cpu');
    // one pixel; integrate exp(-nll) over x in [0, 1] (cbernoulli) or R (gaussian, sigma .1)
    const grid = 20001;
    for (const [lik, lo, hi] of [
      ['cbernoulli', 0, 1],
      ['gaussian', -1, 2],
      ['gaussian-learned', -3, 4],
    ] as const) {
      for (const logit of [-3, -0.004, 0, 0.7, 4]) {
        const xs = new Float32Array(grid).map((_, i) => lo + ((hi - lo) * i) / (grid - 1));
        const n = tf.tidy(() =>
          negLogLik(
            lik,
            { logits: tf.fill([grid, 1], logit) as tf.Tensor2D, logvar: tf.fill([grid, 1], -1.5) as tf.Tensor2D },
            tf.tensor2d(xs, [grid, 1]),
          ).dataSync(),
        );
        let integral = 0;
        for (let i = 0; i < grid; i++) integral += Math.exp(-n[i]!) * ((hi - lo) / (grid - 1)) * (i === 0 || i === grid - 1 ? 0.5 : 1);
        expect(integral, `${lik} logit ${logit}`).toBeCloseTo(1, 2);
      }
    }
  });
});
