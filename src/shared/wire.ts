// JSON with typed arrays: the browser-mode bridge sends Uint8Array as base64 so grids survive
// JSON. Works in Node and the browser (no Buffer, no DOM).

const TAG = '__u8';

function toBase64(bytes: Uint8Array): string {
  let s = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + chunk)));
  }
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return { [TAG]: toBase64(v) };
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && TAG in (v as Record<string, unknown>)) {
      return fromBase64((v as Record<string, string>)[TAG]!);
    }
    return v;
  });
}

/** Messages on the browser-mode WebSocket. */
export type WireMessage =
  | { t: 'call'; id: number; method: string; args: unknown }
  | { t: 'result'; id: number; result: unknown }
  | { t: 'event'; event: string; payload: unknown };
