// The status line's rate and ETA: steady where the raw figures swing (the issue saw an ETA
// between 52 s and 10 min within 6 s, images/s between 30 and 364).
import { describe, expect, it } from 'vitest';
import { RateSmoother } from '../../src/renderer/src/lib/smooth';

describe('RateSmoother', () => {
  it('averages a rate swinging between 30 and 364 images/s into a steady figure near its mean', () => {
    const s = new RateSmoother(6);
    const shown: number[] = [];
    for (let i = 0; i < 400; i++) shown.push(s.update(1000 + i * 100, i % 2 ? 364 : 30, null).rate!);
    // from one event to the next it moves by a few images/s (raw: 334)
    const steps = shown.slice(1).map((v, i) => Math.abs(v - shown[i]!));
    expect(Math.max(...steps)).toBeLessThan(334 * 0.02);
    // and after a while it sits at the mean, 197
    const late = shown.slice(-100);
    expect(Math.max(...late) - Math.min(...late)).toBeLessThan(10);
    expect(late.at(-1)!).toBeGreaterThan(185);
    expect(late.at(-1)!).toBeLessThan(210);
  });

  it('counts the ETA down between events and damps estimates jumping between 52 s and 10 min', () => {
    const s = new RateSmoother(6);
    const etas: number[] = [];
    for (let i = 0; i <= 60; i++) etas.push(s.update(1000 + i * 100, 100, i % 10 < 5 ? 52 : 600)!.etaSec!);
    // within 6 s the raw figure swung by 548 s; the shown one moves by far less per step
    const steps = etas.slice(1).map((e, i) => Math.abs(e - etas[i]!));
    expect(Math.max(...steps)).toBeLessThan(550 * 0.02 + 1);
    // a steady, correct estimate counts down at one second per second
    const t = new RateSmoother(6);
    t.update(0 + 1, 10, 100);
    const after = t.update(10_001, 10, 90).etaSec!;
    expect(after).toBeCloseTo(90, 6);
  });

  it('takes the first figures as they are and forgets an ETA that is gone', () => {
    const s = new RateSmoother();
    expect(s.update(5, 42, 77)).toEqual({ rate: 42, etaSec: 77 });
    expect(s.update(105, null, null)).toEqual({ rate: 42, etaSec: null });
  });
});
