// The keyboard's rules: arrows walk the sweep's point one grid cell at a time whichever way an
// axis runs, Esc closes the newest dialog only, and keys stay with the field that uses them.
import { describe, expect, it } from 'vitest';
import { anyDialogOpen, arrowStep, openDialog, ownsKeys, stepAlong } from '../../src/renderer/src/lib/keys';

describe('keys', () => {
  it('steps to the neighbouring grid value, in either axis order, and stops at the edge', () => {
    const up = [-3, -1.5, 0, 1.5, 3];
    const down = [...up].reverse();
    expect(stepAlong(up, 0, 1)).toBe(1.5);
    expect(stepAlong(down, 0, 1)).toBe(1.5);
    expect(stepAlong(down, 0, -1)).toBe(-1.5);
    expect(stepAlong(up, 3, 1)).toBe(3);
    // off the grid: to the next value beyond it
    expect(stepAlong(up, 0.2, 1)).toBe(1.5);
    expect(stepAlong(up, 0.2, -1)).toBe(0);
    expect(arrowStep('ArrowUp', up, down, 0, 0)).toEqual([0, 1.5]);
    expect(arrowStep('ArrowLeft', up, down, 0, 0)).toEqual([-1.5, 0]);
    expect(arrowStep('a', up, down, 0, 0)).toBeNull();
  });

  it('lets only the newest dialog take Esc', () => {
    const a = openDialog();
    const b = openDialog();
    expect([a.top(), b.top()]).toEqual([false, true]);
    b.close();
    expect(a.top()).toBe(true);
    a.close();
    expect(anyDialogOpen()).toBe(false);
  });

  it('leaves letters to text fields and arrows to sliders', () => {
    const el = (tagName: string, type = '') => ({ tagName, type, isContentEditable: false }) as unknown as HTMLElement;
    expect(ownsKeys(el('INPUT', 'text'))).toBe(true);
    expect(ownsKeys(el('INPUT', 'range'))).toBe(false);
    expect(ownsKeys(el('INPUT', 'range'), true)).toBe(true);
    expect(ownsKeys(el('BUTTON'))).toBe(false);
    expect(ownsKeys(null)).toBe(false);
  });
});
