import { describe, it, expect } from 'vitest';
import sharp from 'sharp';
import { decodeImageBuffer, sniffFormat, headerSize, SkipError } from '../../src/main/core/data/decode.js';

const halfAndHalf = (w: number, h: number) =>
  // left half black, right half white, RGB
  Buffer.alloc(w * h * 3).map((_, i) => (Math.floor(i / 3) % w < w / 2 ? 0 : 255));

async function skipOf(p: Promise<unknown>): Promise<SkipError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SkipError);
    return e as SkipError;
  }
  throw new Error('expected a SkipError');
}

describe('decodeImage', () => {
  it('applies EXIF orientation (a 90 degree turn makes left/right into top/bottom)', async () => {
    const jpg = await sharp(halfAndHalf(32, 32), { raw: { width: 32, height: 32, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const d = await decodeImageBuffer(jpg, { side: 8, color: 'gray', resize: 'fit' });
    // orientation 6 = rotate 90 clockwise: the white right half ends up at the bottom
    expect(d[0 * 8 + 4]).toBeLessThan(30);
    expect(d[7 * 8 + 4]).toBeGreaterThan(225);
  });

  it('flattens transparency onto white', async () => {
    const rgba = Buffer.alloc(4 * 4 * 4);
    for (let i = 0; i < 16; i++) rgba[4 * i + 3] = i < 8 ? 0 : 255; // top half transparent, bottom opaque black
    const png = await sharp(rgba, { raw: { width: 4, height: 4, channels: 4 } })
      .png()
      .toBuffer();
    const d = await decodeImageBuffer(png, { side: 4, color: 'rgb', resize: 'fit' });
    expect(Array.from(d.subarray(0, 3))).toEqual([255, 255, 255]);
    expect(Array.from(d.subarray(45, 48))).toEqual([0, 0, 0]);
  });

  it('sniffs formats and reads sizes from headers', async () => {
    const raw = { raw: { width: 300, height: 200, channels: 3 as const } };
    const px = halfAndHalf(300, 200);
    for (const [fmt, buf] of [
      ['png', await sharp(px, raw).png().toBuffer()],
      ['jpeg', await sharp(px, raw).jpeg().toBuffer()],
      ['gif', await sharp(px, raw).gif().toBuffer()],
      ['webp', await sharp(px, raw).webp().toBuffer()],
      ['webp', await sharp(px, raw).webp({ lossless: true }).toBuffer()],
    ] as const) {
      const s = sniffFormat(buf.subarray(0, 512));
      expect(s).toEqual({ kind: 'image', format: fmt });
      expect(headerSize(buf, fmt)).toEqual({ width: 300, height: 200 });
    }
    expect(sniffFormat(await sharp(px, raw).tiff().toBuffer())).toEqual({ kind: 'image', format: 'tiff' });
    expect(sniffFormat(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toEqual({
      kind: 'unsupported',
      format: 'SVG',
    });
    expect(sniffFormat(Buffer.from('just some words'))).toEqual({ kind: 'unknown', text: true });
    expect(sniffFormat(Buffer.from([0, 1, 2, 3, 4, 250]))).toEqual({ kind: 'unknown', text: false });
  });

  it('names the reason for each kind of bad input', async () => {
    const o = { side: 8, color: 'gray', resize: 'fit' } as const;
    expect((await skipOf(decodeImageBuffer(Buffer.alloc(0), o))).reason).toBe('empty');
    expect((await skipOf(decodeImageBuffer(Buffer.from('hello'), o, 'x.png'))).detail).toBe('named .png but contains text');
    expect((await skipOf(decodeImageBuffer(Buffer.from('<svg width="1"></svg>'), o))).reason).toBe('unsupported-format');
    const png = await sharp(halfAndHalf(16, 16), { raw: { width: 16, height: 16, channels: 3 } })
      .png()
      .toBuffer();
    const broken = Buffer.from(png);
    broken.fill(7, 40, 60); // damage the compressed data
    expect((await skipOf(decodeImageBuffer(broken, o))).reason).toBe('corrupt');
  });
});
