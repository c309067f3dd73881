// Adam's SIMD step over the shared memory of data-parallel training agrees with the JS loop
// (adam.ts, tfjs's formulas) to float32 rounding, for 1-3 gradient slots, on slices that
// start and end anywhere (the last few parameters of a slice go through its scalar tail),
// and touches nothing outside its slice.
import { describe, expect, it } from 'vitest';
import { adamSlice } from '../../src/main/core/train/adam.js';
import { simdAdam, type AdamLayout } from '../../src/main/core/train/adam-simd.js';

function setup(params: number, slots: number) {
  const bytes = Math.ceil(params / 4) * 16;
  const layout: AdamLayout = { weights: 0, m: bytes, v: 2 * bytes, grads: 3 * bytes, params, slots };
  const pages = Math.ceil((3 * bytes + slots * params * 4) / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const at = (byte: number) => new Float32Array(memory.buffer, byte, params);
  const w = at(layout.weights);
  const m = at(layout.m);
  const v = at(layout.v);
  const grads = Array.from({ length: slots }, (_, s) => at(layout.grads + s * params * 4));
  for (let i = 0; i < params; i++) {
    w[i] = Math.sin(i * 0.37) * 0.1;
    m[i] = Math.cos(i * 0.11) * 1e-3;
    v[i] = (1 + Math.sin(i * 0.07)) * 1e-6;
    grads.forEach((g, s) => (g[i] = Math.sin(i * 0.013 + s) * 0.05));
  }
  return { memory, layout, w, m, v, grads };
}

describe('simdAdam', () => {
  for (const slots of [1, 2, 3]) {
    it(`agrees with the JS loop over ${slots} gradient slot(s), 5 steps, slices with tails`, () => {
      const params = 10_007; // not a multiple of 4
      const simd = setup(params, slots);
      const js = setup(params, slots);
      const adam = simdAdam(simd.memory);
      expect(adam).not.toBeNull();
      const lr = 1e-3;
      // two uneven slices, as two threads would take them, and a third one past the end
      const cuts = [0, 5_003, params];
      for (let t = 1; t <= 5; t++) {
        for (let k = 0; k < 2; k++) {
          adam!(simd.layout, cuts[k]!, cuts[k + 1]!, lr, t);
          adamSlice(js.w, js.m, js.v, js.grads, cuts[k]!, cuts[k + 1]!, lr, t);
        }
      }
      let dw = 0;
      let dm = 0;
      let dv = 0;
      for (let i = 0; i < params; i++) {
        dw = Math.max(dw, Math.abs(simd.w[i]! - js.w[i]!));
        // relative, with a floor: m crosses zero, where float32 rounding is all there is
        dm = Math.max(dm, Math.abs(simd.m[i]! - js.m[i]!) / (Math.abs(js.m[i]!) + 1e-5));
        dv = Math.max(dv, Math.abs(simd.v[i]! - js.v[i]!) / (Math.abs(js.v[i]!) + 1e-9));
      }
      // the weights moved by up to 5 lr; they agree to a thousandth of one step
      expect(dw).toBeLessThan(1e-3 * lr);
      expect(dm).toBeLessThan(1e-5);
      expect(dv).toBeLessThan(1e-5);
      // the gradients are read, never written
      expect(simd.grads.every((g, s) => g.every((x, i) => x === js.grads[s]![i]))).toBe(true);
    });
  }

  it('leaves everything outside its slice alone', () => {
    const s = setup(1_001, 2);
    const before = { w: s.w.slice(), m: s.m.slice(), v: s.v.slice() };
    simdAdam(s.memory)!(s.layout, 101, 903, 1e-3, 1);
    for (const [name, arr] of [
      ['w', s.w],
      ['m', s.m],
      ['v', s.v],
    ] as const) {
      const old = before[name];
      expect(arr.subarray(0, 101)).toEqual(old.subarray(0, 101));
      expect(arr.subarray(903)).toEqual(old.subarray(903));
      expect(arr.subarray(101, 903).some((x, i) => x !== old[101 + i])).toBe(true);
    }
  });
});
