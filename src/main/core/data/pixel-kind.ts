// What a dataset's pixels are (0/1 ink, grey levels, colour), measured once at import, so the
// training defaults can pick a decoder likelihood that fits the images (shared/train-defaults.ts).
import { pixelKindOf, type PixelKind } from '../../../shared/train-defaults';
import type { Dataset } from '../types.js';

/** images looked at, spread over the set (enough for a stable share) */
const SAMPLE = 200;
/** a pixel counts as grey when it is this far from both ends (MNIST's anti-aliased edges are under 10%) */
const LOW = 25;
const HIGH = 230;
/** a colour image has channels that differ by more than this somewhere */
const COLOUR_DIFF = 8;

/** The share of grey-level values and whether any pixel has distinct channels, over a spread sample. */
export function pixelKind(ds: Pick<Dataset, 'n' | 'height' | 'width' | 'channels' | 'pixels'>): PixelKind {
  const d = ds.height * ds.width * ds.channels;
  const stride = Math.max(1, Math.floor(ds.n / SAMPLE));
  let grey = 0;
  let seen = 0;
  let colourPixels = 0;
  for (let i = 0; i < ds.n; i += stride) {
    const base = i * d;
    for (let j = 0; j < d; j++, seen++) {
      const v = ds.pixels[base + j]!;
      if (v > LOW && v < HIGH) grey++;
    }
    if (ds.channels === 3) {
      for (let j = 0; j < d; j += 3) {
        const r = ds.pixels[base + j]!;
        const g = ds.pixels[base + j + 1]!;
        const b = ds.pixels[base + j + 2]!;
        if (Math.max(Math.abs(r - g), Math.abs(g - b), Math.abs(r - b)) > COLOUR_DIFF) colourPixels++;
      }
    }
  }
  // an RGB import of grey photographs is still grey: a few tinted pixels do not make it colour
  const colour = ds.channels === 3 && colourPixels > 0.01 * (seen / 3);
  return pixelKindOf(seen ? grey / seen : 0, colour);
}
