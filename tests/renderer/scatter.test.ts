// The scatter's axes fit the points and the sweep's box, wherever the cloud sits.
import { describe, expect, it } from 'vitest';
import { equalAspect, scatterBounds, ticksAt, windowBox } from '../../src/renderer/src/lib/scatter';

const inside = (b: ReturnType<typeof scatterBounds>, x: number, y: number): boolean =>
  x >= b.xMin && x <= b.xMax && y >= b.yMin && y <= b.yMax;

describe('scatterBounds', () => {
  it('fits a cloud whose means are far from 0 (x in -0.85..-0.45, y around 40), every point inside', () => {
    const x = Array.from({ length: 100 }, (_, i) => -0.85 + (0.4 * i) / 99);
    const y = Array.from({ length: 100 }, (_, i) => 40 + Math.sin(i));
    const b = scatterBounds(x, y, null);
    expect(x.every((xi, i) => inside(b, xi, y[i]!))).toBe(true);
    // fitted, not centred on 0: the span is the data's plus a margin, out to round ticks
    expect(b).toEqual({ xMin: -0.9, xMax: -0.4, yMin: 38.5, yMax: 41.5, xStep: 0.1, yStep: 0.5 });
  });

  it('holds the sweep box too, even when it lies beside the cloud', () => {
    const b = scatterBounds([10, 11, 12], [-20, -21, -22], { x0: -3, x1: 3, y0: -3, y1: 3 });
    expect(inside(b, -3, -3) && inside(b, 3, 3) && inside(b, 12, -22)).toBe(true);
  });

  it('gives one point or no point a visible span', () => {
    const one = scatterBounds([5], [5], null);
    expect(one.xMax - one.xMin).toBeGreaterThan(0.5);
    expect(inside(one, 5, 5)).toBe(true);
    expect(scatterBounds([], [], null)).toMatchObject({ xMin: -4, xMax: 4, xStep: 2 });
    expect(scatterBounds([NaN, 1, 2], [1, Infinity, 2], null).xMin).toBeLessThan(1);
  });

  it('turns a sweep window into a box', () => {
    expect(windowBox({ x: [-1, 0, 1], y: [2, 1, 0] })).toEqual({ x0: -1, x1: 1, y0: 0, y1: 2 });
    expect(windowBox({ x: [], y: [1] })).toBeNull();
    expect(windowBox(null)).toBeNull();
  });
});

describe('equal aspect', () => {
  it('widens one axis so a unit is as long across as up, around its centre, with ticks on whole steps', () => {
    const b = { xMin: -5, xMax: 7.5, yMin: -4, yMax: 4, xStep: 2.5, yStep: 2 };
    const wide = equalAspect(b, 900, 300);
    expect((wide.xMax - wide.xMin) / 900).toBeCloseTo((wide.yMax - wide.yMin) / 300, 12);
    expect([wide.yMin, wide.yMax]).toEqual([-4, 4]);
    expect((wide.xMin + wide.xMax) / 2).toBeCloseTo(1.25, 12);
    const tall = equalAspect(b, 100, 300);
    expect((tall.yMax - tall.yMin) / 300).toBeCloseTo(12.5 / 100, 12);
    expect([tall.xMin, tall.xMax]).toEqual([-5, 7.5]);
    expect(equalAspect(b, 0, 300)).toEqual(b);
    expect(ticksAt(wide.xMin, wide.xMax, 2.5)).toEqual([-10, -7.5, -5, -2.5, 0, 2.5, 5, 7.5, 10, 12.5]);
    expect(ticksAt(-0.3, 0.35, 0.1)).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
  });
});
