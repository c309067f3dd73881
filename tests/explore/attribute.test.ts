// Attribute vectors on a real MNIST model: the mean code of class B minus that of class A, added
// to an image's code in amounts; checked against class means taken from the scatter's encoded
// test means, refused on a CVAE with the reason.
import { beforeAll, describe, expect, it } from 'vitest';
import { invoke } from '../../src/main/dispatch';
import type { LatentLabService } from '../../src/main/core/service';
import { value, withTinyRun } from '../export/tiny-run';

const { cli, dir, ...tiny } = withTinyRun('ll-attr-', 6);
let svc: LatentLabService;
let runId: number;
beforeAll(() => {
  svc = tiny.svc();
  runId = tiny.runId();
});

/** decode(z) as one tile, through a latent-point interpolation of z to itself */
async function decode(z: number[]): Promise<Uint8Array> {
  const g = value(await invoke(svc, 'explore:grid', { kind: 'interpolate', runId, za: z, zb: z, steps: 2 }));
  return g.tiles.subarray(0, 784);
}

describe('attribute vectors', () => {
  it('moves an image code along the vector from the mean code of one class to that of another', async () => {
    // class means of the first 1000 encoded test images, from the scatter (two dims at a time)
    const mu: number[][] = [];
    let labels: number[] = [];
    for (const pair of [
      [0, 1],
      [2, 3],
      [4, 5],
    ] as const) {
      const s = value(await invoke(svc, 'explore:scatter', { runId, dims: [pair[0], pair[1]], limit: 1000 }));
      s.x.forEach((v, i) => ((mu[i] ??= [])[pair[0]] = v));
      s.y.forEach((v, i) => (mu[i]![pair[1]] = v));
      labels = s.labels;
    }
    const mean = (c: number): number[] => {
      const rows = mu.filter((_, i) => labels[i] === c);
      return [0, 1, 2, 3, 4, 5].map((d) => rows.reduce((a, r) => a + r[d]!, 0) / rows.length);
    };
    const [m3, m8] = [mean(3), mean(8)];
    const dims = value(await invoke(svc, 'explore:dims', { runId }));
    const three = dims.testIndices.find((i) => labels[dims.testIndices.indexOf(i)] === 3)!;
    const code = value(await invoke(svc, 'explore:encode', { runId, index: three })).mu;

    const g = value(await invoke(svc, 'explore:grid', { kind: 'attribute', runId, from: 3, to: 8, index: three, amounts: [0, 1, 1.5] }));
    expect([g.n, g.cols]).toEqual([3, 3]);
    expect(g.xValues).toEqual([0, 1, 1.5]);
    expect(g.rowLabels).toEqual(['3 → 8']);
    // amount 0 is the image's own code; amount a is code + a (mean 8 - mean 3)
    const at = (k: number): Uint8Array => g.tiles.subarray(k * 784, (k + 1) * 784);
    expect(Buffer.from(at(0)).equals(Buffer.from(await decode(code)))).toBe(true);
    for (const [k, a] of [
      [1, 1],
      [2, 1.5],
    ] as const) {
      const want = await decode(code.map((v, d) => v + a * (m8[d]! - m3[d]!)));
      expect(Math.max(...at(k).map((v, i) => Math.abs(v - want[i]!)))).toBeLessThanOrEqual(1);
    }
    expect(g.note).toMatch(/mean codes of \d+ test images of 3 and \d+ of 8/);
    // the command line
    const r = await cli('attribute', '--run', 'last', '--from', '3', '--to', '8', '--image', String(three), '--out', `${dir()}/a.png`);
    expect(r.err).toBe('');
  });

  it('says why a CVAE has no attribute vectors, and refuses a class the data lacks', async () => {
    const bad = await invoke(svc, 'explore:grid', { kind: 'attribute', runId, from: 3, to: 12, index: 0 });
    expect(!bad.ok && bad.error.message).toMatch(/to: class 12 does not exist \(this dataset has 10: 0\.\.9\)/);
    const t = await cli(
      'train',
      '--dataset',
      'MNIST digits',
      '--model',
      'cvae',
      '--latent',
      '4',
      '--hidden',
      '64',
      '--epochs',
      '1',
      '--limit',
      '1000',
    );
    expect(t.err).toBe('');
    const cvae = value(await invoke(svc, 'runs:list', {}))[0]!.id;
    const r = await invoke(svc, 'explore:grid', { kind: 'attribute', runId: cvae, from: 3, to: 8, index: 0 });
    expect(!r.ok && r.error).toMatchObject({
      code: 'bad-input',
      message: expect.stringMatching(/conditional VAE: the class is an input of its decoder/),
    });
  });
});
