// One message as one binary frame: a JSON header, then the bytes of every typed array in it,
// each replaced in the header by where its bytes lie. The trainer page and its host send
// datasets, weights and Adam's moments this way: tens of megabytes that base64 JSON would
// double and a copy per field would slow. Pure: the page bundles it.

type Typed = Uint8Array | Int32Array | Float32Array;
const KINDS = { Uint8Array, Int32Array, Float32Array } as const;
type Kind = keyof typeof KINDS;

interface BytesRef {
  $bytes: Kind;
  offset: number;
  length: number;
}

function kindOf(v: unknown): Kind | null {
  if (v instanceof Float32Array) return 'Float32Array';
  if (v instanceof Int32Array) return 'Int32Array';
  if (v instanceof Uint8Array) return 'Uint8Array';
  return null;
}

/** header length (u32, little-endian) | header JSON (UTF-8) | padding to 4 | the arrays' bytes, each 4-aligned */
export function packFrame(message: unknown): ArrayBuffer {
  const arrays: Typed[] = [];
  let size = 0;
  const header = JSON.stringify(message, (_key, value: unknown) => {
    const kind = kindOf(value);
    if (!kind) return value;
    const a = value as Typed;
    const ref: BytesRef = { $bytes: kind, offset: size, length: a.length };
    arrays.push(a);
    size += Math.ceil(a.byteLength / 4) * 4;
    return ref;
  });
  const head = new TextEncoder().encode(header);
  const start = 4 + Math.ceil(head.length / 4) * 4;
  const buffer = new ArrayBuffer(start + size);
  new DataView(buffer).setUint32(0, head.length, true);
  new Uint8Array(buffer, 4, head.length).set(head);
  let at = start;
  for (const a of arrays) {
    new Uint8Array(buffer, at, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    at += Math.ceil(a.byteLength / 4) * 4;
  }
  return buffer;
}

/** The message packFrame packed; its arrays are views into `buffer` (4-aligned, so Float32 views work). */
export function unpackFrame<T>(buffer: ArrayBuffer): T {
  const view = new DataView(buffer);
  if (buffer.byteLength < 4) throw new Error('a frame too short to hold its header');
  const headLength = view.getUint32(0, true);
  const start = 4 + Math.ceil(headLength / 4) * 4;
  if (start > buffer.byteLength) throw new Error('a frame whose header runs past its end');
  const header = new TextDecoder().decode(new Uint8Array(buffer, 4, headLength));
  return JSON.parse(header, (_key, value: unknown) => {
    if (!value || typeof value !== 'object' || !('$bytes' in value)) return value;
    const ref = value as BytesRef;
    const Ctor = KINDS[ref.$bytes];
    if (!Ctor || start + ref.offset + ref.length * Ctor.BYTES_PER_ELEMENT > buffer.byteLength)
      throw new Error('a frame whose arrays run past its end');
    return new Ctor(buffer, start + ref.offset, ref.length);
  }) as T;
}
