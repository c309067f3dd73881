// The grid's RGBA pixels: each tile's grey or colour values at their place, the gutter colour
// between tiles only, and transparent beyond the last tile of an unfilled row.
import { describe, expect, it } from 'vitest';
import { gridPixels, tileShrink } from '../../src/renderer/src/lib/grid';
import type { Grid } from '../../src/shared/contract';

const at = (data: Uint8ClampedArray, width: number, x: number, y: number): number[] =>
  Array.from(data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4));

describe('gridPixels', () => {
  it('lays grey tiles, gutters and the empty end of the last row', () => {
    // 3 tiles of 2x2 in 2 columns: the second row has one tile and an empty cell
    const tiles = Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 255]);
    const grid: Grid = { n: 3, cols: 2, height: 2, width: 2, channels: 1, tiles };
    const { data, layout } = gridPixels(grid, 1, [1, 2, 3]);
    expect([layout.width, layout.height]).toEqual([5, 5]);
    expect(at(data, 5, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(at(data, 5, 1, 1)).toEqual([30, 30, 30, 255]);
    expect(at(data, 5, 2, 0)).toEqual([1, 2, 3, 255]); // gutter right of tile 0
    expect(at(data, 5, 3, 0)).toEqual([40, 40, 40, 255]); // tile 1
    expect(at(data, 5, 0, 2)).toEqual([1, 2, 3, 255]); // gutter below tile 0
    expect(at(data, 5, 1, 4)).toEqual([255, 255, 255, 255]); // tile 2's last pixel
    expect(at(data, 5, 3, 3)).toEqual([0, 0, 0, 0]); // no tile there: transparent
  });

  it('keeps a colour tile’s channels in order', () => {
    const tiles = Uint8Array.from([200, 100, 50, 1, 2, 3]);
    const grid: Grid = { n: 1, cols: 1, height: 1, width: 2, channels: 3, tiles };
    const { data } = gridPixels(grid, 0, [0, 0, 0]);
    expect(Array.from(data)).toEqual([200, 100, 50, 255, 1, 2, 3, 255]);
  });

  it('writes into the last draw’s pixels of the same size exactly what a fresh array gets', () => {
    // a full grid drawn first, then one with an empty cell, with and without a gutter
    const full: Grid = { n: 4, cols: 2, height: 2, width: 2, channels: 1, tiles: new Uint8Array(16).fill(200) };
    const part: Grid = { ...full, n: 3, tiles: Uint8Array.from({ length: 12 }, (_, i) => i * 20) };
    for (const gutter of [0, 1]) {
      const last = gridPixels(full, gutter, [1, 2, 3]).data;
      const { data } = gridPixels(part, gutter, [1, 2, 3], last);
      expect(data).toBe(last);
      expect(Array.from(data)).toEqual(Array.from(gridPixels(part, gutter, [1, 2, 3]).data));
    }
    // another size: a new array, the old one untouched
    const other = new Uint8ClampedArray(8);
    expect(gridPixels(part, 0, [0, 0, 0], other).data).not.toBe(other);
  });
});

describe('tileShrink', () => {
  it('shrinks tiles shown at under half their pixels, by what the screen can show', () => {
    expect(tileShrink(64, 29, 1)).toBe(2); // 16x16 faces of 64 px in a 470 px box
    expect(tileShrink(64, 29, 2)).toBe(1); // a 2x screen shows all 58 px of it
    expect(tileShrink(28, 29, 1)).toBe(1); // MNIST at its size
    expect(tileShrink(28, 12.5, 1)).toBe(2);
    expect(tileShrink(128, 10, 1)).toBe(8); // at most 8, and a tile keeps 8 px a side
    expect(tileShrink(32, 2, 1)).toBe(4);
    expect(tileShrink(64, 0, 1)).toBe(1); // nothing measured yet: full size
    expect(tileShrink(0, 20, 1)).toBe(1);
  });
});
