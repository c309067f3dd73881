// What the import sheet proposes from a first look at a folder: an image side, and for
// non-square images a thumbnail of what "fit" and "crop" each make of one of them.
import type { Grid } from '../../../shared/records';
import { decodeImage } from './decode.js';

/** The sides the sheet proposes for images larger than digits (the usual model sizes). */
export const COMMON_SIDES = [28, 32, 64, 128] as const;

/** The median shorter side itself when it is small (<= 32 px, so nothing is upscaled), else
 *  the nearest of 28/32/64/128 (the smaller on a tie); 64 when nothing could be read. */
export function suggestSide(medianShortSide: number): number {
  if (!(medianShortSide > 0)) return 64;
  if (medianShortSide <= 32) return Math.max(8, Math.round(medianShortSide));
  let best: number = COMMON_SIDES[0];
  for (const s of COMMON_SIDES) if (Math.abs(s - medianShortSide) < Math.abs(best - medianShortSide)) best = s;
  return best;
}

export function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** One image, square, in both resize modes (fit: scaled whole, black bars; crop: centre cut). */
export async function resizePreview(path: string, gray: boolean, side = 64): Promise<{ fit: Grid; crop: Grid }> {
  const color = gray ? 'gray' : 'rgb';
  const channels = gray ? 1 : 3;
  const one = async (resize: 'fit' | 'crop'): Promise<Grid> => ({
    n: 1,
    cols: 1,
    height: side,
    width: side,
    channels,
    tiles: await decodeImage(path, { side, color, resize }),
  });
  return { fit: await one('fit'), crop: await one('crop') };
}
