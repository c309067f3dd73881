// Binary frames on the browser-mode socket: a message with bytes travels as one binary frame
// (raw bytes, not base64), decodes to views into that frame, and a message without bytes stays
// the same JSON text as before.
import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeWire, encodeFrame, encodeWire } from '../../src/shared/wire';

describe('binary wire frames', () => {
  it('sends a message with bytes as one binary frame, a third smaller than base64', () => {
    const tiles = new Uint8Array(16 * 16 * 28 * 28).map((_, i) => (i * 7) % 256);
    const msg = { t: 'result', id: 3, result: { ok: true, value: { n: 256, tiles, xValues: [-3, 3] } } };
    const frame = encodeFrame(msg);
    expect(frame).toBeInstanceOf(Uint8Array);
    expect((frame as Uint8Array).length).toBeLessThan(tiles.length + 200);
    expect((frame as Uint8Array).length).toBeLessThan(encodeWire(msg).length * 0.8);
    const back = decodeFrame(frame as Uint8Array) as typeof msg;
    expect(back.result.value.tiles).toBeInstanceOf(Uint8Array);
    expect(back.result.value.tiles).toEqual(tiles);
    expect(back.result.value.xValues).toEqual([-3, 3]);
    // a view into the frame, not a copy
    expect(back.result.value.tiles.buffer).toBe((frame as Uint8Array).buffer);
  });

  it('keeps several arrays apart, Node Buffers included, and decodes from an ArrayBuffer', () => {
    const a = Buffer.from([1, 2, 3]);
    const b = new Uint8Array([9, 8]);
    const frame = encodeFrame({ list: [a, { inner: b }], empty: new Uint8Array(0) }) as Uint8Array;
    const copy = frame.slice().buffer;
    const back = decodeFrame(copy) as { list: [Uint8Array, { inner: Uint8Array }]; empty: Uint8Array };
    expect(Array.from(back.list[0])).toEqual([1, 2, 3]);
    expect(Array.from(back.list[1].inner)).toEqual([9, 8]);
    expect(back.empty.length).toBe(0);
  });

  it('leaves a message without bytes as encodeWire text, and reads base64 text still', () => {
    const msg = { t: 'call', id: 1, method: 'app:info', args: {} };
    expect(encodeFrame(msg)).toBe(encodeWire(msg));
    const old = encodeWire({ tiles: new Uint8Array([5, 6]) });
    expect(Array.from((decodeFrame(old) as { tiles: Uint8Array }).tiles)).toEqual([5, 6]);
    expect(decodeFrame(old)).toEqual(decodeWire(old));
  });

  it('refuses a frame whose lengths run past its end', () => {
    const frame = encodeFrame({ x: new Uint8Array(10) }) as Uint8Array;
    expect(() => decodeFrame(frame.subarray(0, frame.length - 1))).toThrow(/beyond its end/);
    expect(() => decodeFrame(new Uint8Array([1, 0]))).toThrow(/too short/);
  });
});
