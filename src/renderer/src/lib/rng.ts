// A seeded normal draw for the "random" base: the sliders must show the values the grid uses,
// so the draw happens here and goes to the service as explicit values.
export function seededNormals(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  const uniform = (): number => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: number[] = [];
  while (out.length < n) {
    const u = Math.max(uniform(), 1e-12);
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    out.push(r * Math.cos(2 * Math.PI * v));
    if (out.length < n) out.push(r * Math.sin(2 * Math.PI * v));
  }
  return out.map((x) => Math.round(x * 100) / 100);
}
