// The analogy grid (White's J-diagram) on a real MNIST model: A, B and C at three corners, the
// fourth B + C - A, the inside the bilinear blend; the corners checked against their own decodes.
import { beforeAll, describe, expect, it } from 'vitest';
import type { LatentLabService } from '../../src/main/core/service';
import { invoke } from '../../src/main/dispatch';
import { value, withTinyRun } from '../export/tiny-run';

const { cli, dir, ...tiny } = withTinyRun('ll-analogy-', 4);
let svc: LatentLabService;
let runId: number;
beforeAll(() => {
  svc = tiny.svc();
  runId = tiny.runId();
});

const decode = async (z: number[]): Promise<Buffer> =>
  Buffer.from(value(await invoke(svc, 'explore:grid', { kind: 'interpolate', runId, za: z, zb: z, steps: 2 })).tiles.subarray(0, 784));
const encode = async (index: number): Promise<number[]> => value(await invoke(svc, 'explore:encode', { runId, index })).mu;

describe('analogy grid', () => {
  it('puts A, B, C at three corners and B + C - A at the fourth', async () => {
    const g = value(await invoke(svc, 'explore:grid', { kind: 'analogy', runId, a: 0, b: 1, c: 2, size: 5 }));
    expect([g.n, g.cols]).toEqual([25, 5]);
    expect(g.indices).toEqual([0, 1, 2]);
    const tile = (r: number, c: number): Buffer => Buffer.from(g.tiles.subarray((r * 5 + c) * 784, (r * 5 + c + 1) * 784));
    const [za, zb, zc] = [await encode(0), await encode(1), await encode(2)];
    expect(tile(0, 0).equals(await decode(za))).toBe(true);
    expect(tile(0, 4).equals(await decode(zb))).toBe(true);
    expect(tile(4, 0).equals(await decode(zc))).toBe(true);
    const zd = za.map((v, d) => zb[d]! + zc[d]! - v);
    const want = await decode(zd);
    expect(Math.max(...tile(4, 4).map((v, i) => Math.abs(v - want[i]!)))).toBeLessThanOrEqual(1);
    const r = await cli('analogy', '--run', 'last', '--images', '0,1,2', '--out', `${dir()}/j.png`);
    expect(r.err).toBe('');
  });
});
