// The window's size and position between launches, in a small JSON file in userData.
// Plain Node (the displays come in as rectangles) so it is tested without Electron.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readOwnText } from '../core/data/own-file';
import { writeFileAtomic } from '../core/export/atomic';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** absent on first launch: the window is centred by Electron */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const defaultWindowState: WindowState = { width: 1280, height: 820, maximized: false };
export const minWindowSize = { width: 760, height: 520 };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 100_000;

/**
 * Reads the saved state; anything unreadable or implausible gives the default, and a
 * position that no longer lies on a display (an unplugged monitor) is dropped so the
 * window does not open off screen.
 */
export async function loadWindowState(file: string, workAreas: Rect[]): Promise<WindowState> {
  let raw: unknown;
  try {
    // a FIFO or a device in its place would block the window's opening
    raw = JSON.parse(await readOwnText(file, 64 * 1024));
  } catch {
    return { ...defaultWindowState };
  }
  if (!raw || typeof raw !== 'object') return { ...defaultWindowState };
  const r = raw as Record<string, unknown>;
  if (!isInt(r.width) || !isInt(r.height)) return { ...defaultWindowState };
  const state: WindowState = {
    width: Math.max(minWindowSize.width, r.width),
    height: Math.max(minWindowSize.height, r.height),
    maximized: r.maximized === true,
  };
  if (isInt(r.x) && isInt(r.y) && visibleEnough({ x: r.x, y: r.y, width: state.width, height: state.height }, workAreas)) {
    state.x = r.x;
    state.y = r.y;
  }
  // Never larger than the biggest display: a state saved on a 4K monitor opened on a laptop.
  const biggest = workAreas.reduce(
    (a, b) => (b.width * b.height > a.width * a.height ? b : a),
    workAreas[0] ?? { x: 0, y: 0, width: 0, height: 0 },
  );
  if (biggest.width > 0 && biggest.height > 0) {
    state.width = Math.min(state.width, biggest.width);
    state.height = Math.min(state.height, biggest.height);
  }
  return state;
}

/** At least a 100 x 50 corner of the title-bar region lies on some display. */
function visibleEnough(win: Rect, areas: Rect[]): boolean {
  return areas.some((a) => {
    const w = Math.min(win.x + win.width, a.x + a.width) - Math.max(win.x, a.x);
    const h = Math.min(win.y + 50, a.y + a.height) - Math.max(win.y, a.y);
    return w >= 100 && h >= 50;
  });
}

export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  // userData may not exist yet (Chromium creates it lazily; --data-dir points at a new folder).
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(state, null, 2) + '\n');
}
