// The keyboard's small rules, shared by the app-wide shortcuts and the Explore view: when a key
// belongs to the field that has focus, which dialog Esc closes, and where an arrow walks.

/** Whether a key press goes to a field that uses it itself (text, a select, a slider, a radio). */
export function ownsKeys(target: EventTarget | null, arrows = false): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
  if (tag !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  // a slider or a radio takes the arrows, not letters
  return arrows || !['range', 'checkbox', 'radio'].includes(type);
}

/** Open dialogs, newest last: Esc closes the newest one only. */
const dialogs: symbol[] = [];

export function openDialog(): { top: () => boolean; close: () => void } {
  const me = Symbol('dialog');
  dialogs.push(me);
  return {
    top: () => dialogs.at(-1) === me,
    close: () => {
      const i = dialogs.indexOf(me);
      if (i >= 0) dialogs.splice(i, 1);
    },
  };
}

export function anyDialogOpen(): boolean {
  return dialogs.length > 0;
}

/** The grid value next to `v` in the direction of larger (+1) or smaller (-1) values, whichever
 *  order the axis runs in; `v` itself at the edge (or off a grid of one). */
export function stepAlong(values: readonly number[], v: number, dir: 1 | -1): number {
  const eps = 1e-9 * Math.max(1, ...values.map(Math.abs));
  let best: number | null = null;
  for (const x of values) {
    if (dir * (x - v) <= eps) continue;
    if (best === null || dir * (x - best) < 0) best = x;
  }
  return best ?? v;
}

/** Where an arrow key walks the sweep's point on the grid's axes; null for any other key. */
export function arrowStep(
  key: string,
  xValues: readonly number[],
  yValues: readonly number[],
  x: number,
  y: number,
): [number, number] | null {
  if (key === 'ArrowRight') return [stepAlong(xValues, x, 1), y];
  if (key === 'ArrowLeft') return [stepAlong(xValues, x, -1), y];
  if (key === 'ArrowUp') return [x, stepAlong(yValues, y, 1)];
  if (key === 'ArrowDown') return [x, stepAlong(yValues, y, -1)];
  return null;
}
