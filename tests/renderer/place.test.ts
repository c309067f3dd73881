// The place in the URL hash: what is written is read back the same, and a hand-edited or stale
// hash gives what it can, never an error.
import { describe, expect, it } from 'vitest';
import { formatPlace, parsePlace } from '../../src/renderer/src/lib/place';

describe('place in the hash', () => {
  it('reads back what it writes', () => {
    for (const p of [
      { view: 'explore', run: 3, tab: 'scatter' },
      { view: 'datasets', dataset: 2 },
      { view: 'runs', run: 12 },
      { view: 'train' },
    ] as const)
      expect(parsePlace(formatPlace(p))).toEqual(p);
    expect(formatPlace({ view: 'explore', run: 3, tab: 'scatter' })).toBe('#explore?run=3&tab=scatter');
  });

  it('keeps the tab only in Explore and the dataset only without a run', () => {
    expect(formatPlace({ view: 'runs', run: 4, dataset: 1, tab: 'eval' })).toBe('#runs?run=4');
    expect(formatPlace({})).toBe('#datasets');
  });

  it('ignores what it does not know', () => {
    expect(parsePlace('')).toEqual({});
    expect(parsePlace('#/nowhere?run=-1&dataset=x&tab=bogus')).toEqual({});
    expect(parsePlace('#/explore?run=7')).toEqual({ view: 'explore', run: 7 });
  });
});
