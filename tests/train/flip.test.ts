// Horizontal flip, the augmentation for photographs: a batch row given as flipped(i) is image i
// mirrored left to right (channels kept in order, label kept), and an epoch's flips are seeded.
import { describe, expect, it } from 'vitest';
import { fillBatch, flipHalf, flipped } from '../../src/main/core/train/batch.js';

describe('horizontal flip in the batch fill', () => {
  it('mirrors each pixel row of a grey and a colour image, and keeps the label', () => {
    // one 2x3 grey image: rows [1 2 3] [4 5 6]
    const grey = { height: 2, width: 3, channels: 1 as const, pixels: Uint8Array.from([1, 2, 3, 4, 5, 6]), labels: Int32Array.from([1]) };
    const x = new Float32Array(12);
    const y = new Float32Array(4);
    fillBatch(grey, Int32Array.from([0, flipped(0)]), 0, 2, x, y, 2);
    expect(Array.from(x, (v) => Math.round(v * 255))).toEqual([1, 2, 3, 4, 5, 6, 3, 2, 1, 6, 5, 4]);
    expect(Array.from(y)).toEqual([0, 1, 0, 1]);
    // one 1x2 RGB image: pixels (10 20 30) (40 50 60)
    const rgb = {
      height: 1,
      width: 2,
      channels: 3 as const,
      pixels: Uint8Array.from([10, 20, 30, 40, 50, 60]),
      labels: Int32Array.from([0]),
    };
    const xc = new Float32Array(6);
    fillBatch(rgb, Int32Array.from([flipped(0)]), 0, 1, xc, null, 0);
    expect(Array.from(xc, (v) => Math.round(v * 255))).toEqual([40, 50, 60, 10, 20, 30]);
  });

  it('flips about half of an epoch, the same half for the same seed and epoch', () => {
    const order = () => Int32Array.from({ length: 1000 }, (_, i) => i);
    const a = order();
    const b = order();
    const c = order();
    flipHalf(a, 7, 3);
    flipHalf(b, 7, 3);
    flipHalf(c, 7, 4);
    const marked = a.filter((i) => i < 0).length;
    expect(marked).toBeGreaterThan(430);
    expect(marked).toBeLessThan(570);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    // every image is still there once
    expect(new Set(Array.from(a, (i) => (i < 0 ? ~i : i))).size).toBe(1000);
  });
});
