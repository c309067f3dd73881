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

/**
 * The bytes of a `{"__u8": base64}` tag, or null for anything else. A tag that is not exactly
 * that (another key beside it, a number, bad base64) stays a plain object: it is a bad argument
 * for the schema to refuse with the call's id, not a frame to drop the socket for.
 */
function tagged(v: unknown): Uint8Array | null {
  if (!v || typeof v !== 'object' || !(TAG in v)) return null;
  const b64 = (v as Record<string, unknown>)[TAG];
  if (typeof b64 !== 'string' || Object.keys(v).length !== 1) return null;
  try {
    return fromBase64(b64);
  } catch {
    return null;
  }
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => tagged(v) ?? v);
}

// Binary frames: a message that carries bytes (a grid's tiles) goes as one binary WebSocket
// frame, its bytes raw instead of a third larger in base64 and decoded by no one:
//   [u32 LE: header length][header: UTF-8 JSON, each Uint8Array a {"__bin": i}][bytes 0][bytes 1]...
// the header ends with "b": the byte lengths. The decoded arrays are views into the frame (no copy).
const BIN = '__bin';

/** The message as one binary frame when it carries bytes, else as the same JSON text as encodeWire. */
export function encodeFrame(value: unknown): string | Uint8Array {
  const blobs: Uint8Array[] = [];
  const json = JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    // the holder's own value: a Node Buffer has already become {type, data} by its toJSON
    const own = key === '' ? v : this[key];
    if (own instanceof Uint8Array) return { [BIN]: blobs.push(own) - 1 };
    return v;
  });
  if (blobs.length === 0) return json;
  const header = new TextEncoder().encode(`{"b":${JSON.stringify(blobs.map((b) => b.length))},"m":${json}}`);
  const out = new Uint8Array(4 + header.length + blobs.reduce((n, b) => n + b.length, 0));
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  let at = 4 + header.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** A frame from encodeFrame (text or binary), or encodeWire's base64 text. */
export function decodeFrame(data: string | ArrayBuffer | ArrayBufferView): unknown {
  if (typeof data === 'string') return decodeWire(data);
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length < 4) throw new Error('binary frame: too short');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (4 + headerLength > bytes.length) throw new Error('binary frame: header longer than the frame');
  const { m, b } = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as { m: unknown; b: number[] };
  const views: Uint8Array[] = [];
  let at = 4 + headerLength;
  for (const n of b) {
    if (!Number.isInteger(n) || n < 0 || at + n > bytes.length) throw new Error('binary frame: bytes beyond its end');
    views.push(bytes.subarray(at, at + n));
    at += n;
  }
  return revive(m, views);
}

function revive(v: unknown, views: Uint8Array[]): unknown {
  if (Array.isArray(v)) return v.map((x) => revive(x, views));
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (BIN in o && typeof o[BIN] === 'number' && Object.keys(o).length === 1) {
    const view = views[o[BIN]];
    if (!view) throw new Error('binary frame: a reference to bytes it does not carry');
    return view;
  }
  const bytes = tagged(o);
  if (bytes) return bytes;
  for (const k of Object.keys(o)) o[k] = revive(o[k], views);
  return o;
}

/** Messages on the browser-mode WebSocket. A call with `bin` asks for binary frames back
 *  (its reply, and the events from then on); without it the answers stay base64 JSON text. */
export type WireMessage =
  | { t: 'call'; id: number; method: string; args: unknown; bin?: boolean }
  /** stages: milliseconds the server spent on the call, by stage (core/timing.ts) */
  | { t: 'result'; id: number; result: unknown; stages?: Record<string, number> }
  | { t: 'event'; event: string; payload: unknown };
