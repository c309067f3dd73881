// Helpers for the few small wasm SIMD functions we assemble from their opcodes (Adam's step,
// the 2-D transpose) rather than compile with a wasm toolchain the build would then need.
// Each returns the bytes of one instruction or one module section.

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export const get = (i: number): number[] => [0x20, ...uleb(i)];
export const set = (i: number): number[] => [0x21, ...uleb(i)];
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
// memarg: alignment hint 2^0 (addresses may be anywhere), offset 0
export const load = [...simd(0x00), 0x00, 0x00];
export const store = [...simd(0x0b), 0x00, 0x00];
export const i32add = 0x6a;
export const i32sub = 0x6b;

export function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

export function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/** A function body: its locals (groups of [count, type]) and its code, which must end with 0x0b. */
export function funcBody(locals: [number, number][], code: number[]): number[] {
  const decl = [...uleb(locals.length), ...locals.flatMap(([n, t]) => [...uleb(n), t])];
  return [...uleb(decl.length + code.length), ...decl, ...code];
}

/**
 * A module of one exported function over an imported "env"."memory" (shared or not, at
 * least `minPages`, no maximum declared for a plain one: the importer's has its own).
 */
export function oneFunctionModule(exportName: string, params: number[], body: number[], shared: boolean): Uint8Array<ArrayBuffer> {
  const limits = shared ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)];
  // prettier-ignore
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, ...uleb(params.length), ...params, 0x00]),
    ...section(2, [0x01, ...name('env'), ...name('memory'), 0x02, ...limits]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name(exportName), 0x00, 0x00]),
    ...section(10, [0x01, ...body]),
  ]);
}
