// Principal axes of the encoded test means: the decomposition on data whose axes are known, and
// the sweep along PC1/PC2 of a real MNIST model, its axes named with their share of variance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { invoke } from '../../src/main/dispatch';
import { principalAxes } from '../../src/main/core/explore/code-axes';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { withDataDir } from '../cli/harness';
import { trainTiny } from '../export/tiny-run';

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('principalAxes', () => {
  it('finds the axes and variances of points spread along known directions', () => {
    // 3-D points: sd 3 along (1, 1, 0)/sqrt 2, sd 1 along (1, -1, 0)/sqrt 2, sd 0.1 along z, centred at (5, -2, 1)
    const n = 4000;
    const mu = new Float32Array(n * 3);
    let s = 12345;
    const rand = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const gauss = (): number => rand() + rand() + rand(); // sd 1
    for (let i = 0; i < n; i++) {
      const [a, b, c] = [3 * gauss(), gauss(), 0.1 * gauss()];
      mu.set([5 + (a + b) / Math.SQRT2, -2 + (a - b) / Math.SQRT2, 1 + c], i * 3);
    }
    const p = principalAxes(mu, n, 3);
    expect(p.mean[0]).toBeCloseTo(5, 0);
    expect(p.share.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 6);
    expect(p.share[0]).toBeCloseTo(9 / 10.01, 1);
    expect(Math.sqrt(p.variance[0]!)).toBeCloseTo(3, 0);
    expect(Math.abs(p.axes[0]![0]! * Math.SQRT1_2 + p.axes[0]![1]! * Math.SQRT1_2)).toBeCloseTo(1, 2);
    expect(Math.abs(p.axes[1]![0]! * Math.SQRT1_2 - p.axes[1]![1]! * Math.SQRT1_2)).toBeCloseTo(1, 2);
    expect(Math.abs(p.axes[2]![2]!)).toBeCloseTo(1, 2);
    // unit length, orthogonal
    const dot = (u: Float64Array, v: Float64Array): number => u.reduce((acc, x, i) => acc + x * v[i]!, 0);
    expect(dot(p.axes[0]!, p.axes[0]!)).toBeCloseTo(1, 9);
    expect(dot(p.axes[0]!, p.axes[1]!)).toBeCloseTo(0, 9);
  });
});

describe('sweep along principal components', () => {
  const { cli, dir } = withDataDir('ll-pca-');
  let svc: LatentLabService;
  beforeAll(async () => {
    await trainTiny(cli, 6);
    svc = await openService({ dataDir: dir(), door: 'cli' });
  }, 300_000);
  afterAll(async () => {
    await svc?.close();
  });

  it('sweeps PC1 and PC2 of the encoded test means in standard deviations, its axes named with their share', async () => {
    const runId = value(await invoke(svc, 'runs:list', {}))[0]!.id;
    const g = value(await invoke(svc, 'explore:grid', { kind: 'sweep', runId, dims: [0, 1], axes: 'pca', grid: 6, range: [-2, 2] }));
    expect(g.n).toBe(36);
    expect(g.axisNames).toHaveLength(2);
    const [x, y] = g.axisNames!.map((s) => /^PC(\d) · (\d+)%$/.exec(s)!);
    expect([x![1], y![1]]).toEqual(['1', '2']);
    expect(Number(x![2])).toBeGreaterThanOrEqual(Number(y![2]));
    expect(g.xValues).toEqual([-2, -1.2, -0.4, 0.4, 1.2, 2].map((v) => expect.closeTo(v, 6)));
    const raw = value(await invoke(svc, 'explore:grid', { kind: 'sweep', runId, dims: [0, 1], grid: 6, range: [-2, 2] }));
    expect(raw.axisNames).toBeUndefined();
    expect(Buffer.from(g.tiles).equals(Buffer.from(raw.tiles))).toBe(false);
    // the other components pinned: zero offsets are the plain PCA sweep, PC3 at +1.5 sd is another
    const zero = value(
      await invoke(svc, 'explore:grid', {
        kind: 'sweep',
        runId,
        dims: [0, 1],
        axes: 'pca',
        grid: 6,
        range: [-2, 2],
        pcOffsets: [0, 0, 0, 0],
      }),
    );
    expect(Buffer.from(zero.tiles).equals(Buffer.from(g.tiles))).toBe(true);
    const moved = value(
      await invoke(svc, 'explore:grid', {
        kind: 'sweep',
        runId,
        dims: [0, 1],
        axes: 'pca',
        grid: 6,
        range: [-2, 2],
        pcOffsets: [0, 0, 1.5],
      }),
    );
    expect(Buffer.from(moved.tiles).equals(Buffer.from(g.tiles))).toBe(false);
    // an offset on a swept component is ignored: the sweep sets it
    const swept = value(
      await invoke(svc, 'explore:grid', { kind: 'sweep', runId, dims: [0, 1], axes: 'pca', grid: 6, range: [-2, 2], pcOffsets: [3, -3] }),
    );
    expect(Buffer.from(swept.tiles).equals(Buffer.from(g.tiles))).toBe(true);
    // the CLI: sweep --axes pca
    const r = await cli('sweep', '--run', 'last', '--axes', 'pca', '--grid', '4', '--out', `${dir()}/pca.png`);
    expect(r.err).toBe('');
  });
});
