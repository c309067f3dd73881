// The side the import sheet proposes: the median shorter side when small, else the nearest of
// 28/32/64/128.
import { describe, expect, it } from 'vitest';
import { median, suggestSide } from '../../src/main/core/data/probe-extras.js';

describe('suggestSide', () => {
  it('keeps a small median side as it is', () => {
    expect(suggestSide(16)).toBe(16);
    expect(suggestSide(24)).toBe(24);
    expect(suggestSide(28)).toBe(28);
    expect(suggestSide(32)).toBe(32);
    expect(suggestSide(4)).toBe(8); // the contract's smallest side
  });
  it('takes the nearest common side above that (the smaller on a tie)', () => {
    expect(suggestSide(40)).toBe(32);
    expect(suggestSide(48)).toBe(32);
    expect(suggestSide(60)).toBe(64);
    expect(suggestSide(92)).toBe(64); // the AT&T faces, 92 x 112
    expect(suggestSide(100)).toBe(128);
    expect(suggestSide(4000)).toBe(128);
    expect(suggestSide(0)).toBe(64);
  });
  it('median is the lower middle', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([])).toBe(0);
  });
});
