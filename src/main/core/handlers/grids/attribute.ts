// Attribute vectors and analogies (White, "Sampling Generative Networks"). An attribute vector: the mean code of class B minus the
// mean code of class A, over the encoded test images, added to one image's code in amounts: "turn
// this 3 into an 8". A CVAE has none: its decoder takes the class as an input, so its codes are
// what is left once the class is known, and no direction among them means "more of class B".
import { AppFailure, type Grid, type GridSpecParsed } from '../../../../shared/contract';
import * as explore from '../../explore';
import type { ModelGrid } from './model-grid';
import { latentWidth } from '../loaded';
import { testCodes } from '../ranking';
import { checkIndex, gather } from '../selection';

type Spec = Extract<GridSpecParsed, { kind: 'attribute' }>;
type AnalogySpec = Extract<GridSpecParsed, { kind: 'analogy' }>;

/** Attribute vectors and analogies assume the class lives in the code. */
function refuseCvae(m: ModelGrid): void {
  if (m.isCvae)
    throw new AppFailure(
      'bad-input',
      `run ${m.run.id} is a conditional VAE: the class is an input of its decoder, so its codes hold the style without the class and no vector among them turns one class into another (change the class in the Classes tab instead)`,
    );
}

export function attributeGrid(spec: Spec, m: ModelGrid): Grid {
  refuseCvae(m);
  const names = m.data.labelNames;
  for (const [k, c] of [
    ['from', spec.from],
    ['to', spec.to],
  ] as const) {
    if (c >= names.length)
      throw new AppFailure(
        'bad-args',
        `${k}: class ${c} does not exist (this dataset has ${names.length}: 0..${Math.max(0, names.length - 1)})`,
      );
  }
  checkIndex(m.data, spec.index);
  const L = latentWidth(m.run, m.model, undefined);
  const codes = testCodes(m, undefined, 'attribute vectors come from the encoded test images and need');
  const [a, b] = [classMean(codes, L, spec.from), classMean(codes, L, spec.to)];
  if (a.count === 0 || b.count === 0)
    throw new AppFailure('bad-input', `no test image of class ${names[a.count === 0 ? spec.from : spec.to]} among the ${codes.n} measured`);
  const own = explore.encodeImages(m.model, gather(m.data, [spec.index]).pixels).mu;
  const z = new Float32Array(spec.amounts.length * L); // [amounts, L]
  spec.amounts.forEach((t, k) => {
    for (let d = 0; d < L; d++) z[k * L + d] = own[d]! + t * (b.mean[d]! - a.mean[d]!);
  });
  return {
    ...m.tile,
    n: spec.amounts.length,
    cols: spec.amounts.length,
    tiles: explore.decodeLatents(m.model, z),
    xValues: spec.amounts,
    rowLabels: [`${names[spec.from]} → ${names[spec.to]}`],
    indices: [spec.index],
    note: `the vector between the mean codes of ${a.count} test images of ${names[spec.from]} and ${b.count} of ${names[spec.to]}`,
  };
}

function classMean(c: { mu: Float32Array; n: number; labels: Int32Array }, L: number, cls: number): { mean: Float64Array; count: number } {
  const mean = new Float64Array(L);
  let count = 0;
  for (let i = 0; i < c.n; i++) {
    if (c.labels[i] !== cls) continue;
    count++;
    for (let d = 0; d < L; d++) mean[d]! += c.mu[i * L + d]!;
  }
  if (count > 0) for (let d = 0; d < L; d++) mean[d]! /= count;
  return { mean, count };
}

/**
 * The J-diagram: z(u, v) = A + u (B - A) + v (C - A) over a size x size grid, u along the
 * columns and v down the rows, so the corners are A, B, C and B + C - A ("A is to B as C is to D").
 */
export function analogyGrid(spec: AnalogySpec, m: ModelGrid): Grid {
  refuseCvae(m);
  const images = [spec.a, spec.b, spec.c];
  for (const i of images) checkIndex(m.data, i);
  const L = latentWidth(m.run, m.model, undefined);
  const mu = explore.encodeImages(m.model, gather(m.data, images).pixels).mu; // [3, L]
  const n = spec.size;
  const z = new Float32Array(n * n * L);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const [u, v] = [c / (n - 1), r / (n - 1)];
      for (let d = 0; d < L; d++) z[(r * n + c) * L + d] = mu[d]! + u * (mu[L + d]! - mu[d]!) + v * (mu[2 * L + d]! - mu[d]!);
    }
  }
  return { ...m.tile, n: n * n, cols: n, tiles: explore.decodeLatents(m.model, z), indices: images, note: m.note };
}
