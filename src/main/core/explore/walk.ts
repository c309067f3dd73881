// Walks through latent space as frames of an animation: the latents only ([frames, L] in one
// typed array), so the caller decodes them in one batched pass as for a grid.
import { blendPoints, sweepValues } from './sweep.js';

/** The most frames one walk may have (an animation of 28 px digits at 4x is ~1 MB per 100). */
export const MAX_FRAMES = 600;

/**
 * Through `points` in order, `steps` frames per leg (both ends included), each joint drawn
 * once. With `loop` the last leg goes back to the first point and stops one frame short of it,
 * so a looping player shows no frame twice.
 */
export function waypointLatents(points: Float32Array[], steps: number, loop: boolean, mode: 'linear' | 'slerp'): Float32Array {
  if (points.length < 2) throw new Error(`explore.waypointLatents: needs two points or more, got ${points.length}`);
  const L = points[0]!.length;
  for (const p of points) if (p.length !== L) throw new Error(`explore.waypointLatents: points of ${L} and ${p.length} values`);
  const ends = loop ? [...points, points[0]!] : points;
  const legs = ends.length - 1;
  const frames = legs * (steps - 1) + (loop ? 0 : 1);
  checkFrames(frames);
  const z = new Float32Array(frames * L); // [frames, L]
  for (let k = 0; k < legs; k++) {
    const leg = blendPoints(ends[k]!, ends[k + 1]!, steps, mode);
    // every leg but the last (of an open walk) leaves out its end: the next leg starts there
    const keep = k === legs - 1 && !loop ? steps : steps - 1;
    z.set(leg.subarray(0, keep * L), k * (steps - 1) * L);
  }
  return z;
}

/**
 * One dimension from range[0] to range[1] in `steps` values with the others at `base`; with
 * `bounce` back down again without repeating either end, so it loops smoothly.
 */
export function traversalLatents(base: Float32Array, dim: number, range: [number, number], steps: number, bounce: boolean): Float32Array {
  const L = base.length;
  if (!Number.isInteger(dim) || dim < 0 || dim >= L) throw new Error(`explore.traversalLatents: dim ${dim} is not in 0..${L - 1}`);
  const up = sweepValues(range, steps, 'linear');
  const values = bounce ? [...up, ...up.slice(1, -1).reverse()] : up;
  checkFrames(values.length);
  const z = new Float32Array(values.length * L);
  values.forEach((v, f) => {
    z.set(base, f * L);
    z[f * L + dim] = v;
  });
  return z;
}

function checkFrames(frames: number): void {
  if (frames > MAX_FRAMES) throw new RangeError(`a walk of ${frames} frames is over the limit of ${MAX_FRAMES}; use fewer steps`);
}
