import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNetpbm } from '../../src/main/core/data/netpbm.js';
import { decodeImage, SkipError } from '../../src/main/core/data/decode.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'll-pnm-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// a 4x3 test picture: gray ramp, and an RGB version whose channels differ
const W = 4,
  H = 3;
const gray8 = Uint8Array.from({ length: W * H }, (_, i) => i * 20);
const rgb8 = Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 7) % 256);

function binary(
  magic: string,
  w: number,
  h: number,
  maxval: number,
  samples: ArrayLike<number>,
  header = `${magic}\n${w} ${h}\n${maxval}\n`,
): Buffer {
  const wide = maxval > 255;
  const body = Buffer.alloc(samples.length * (wide ? 2 : 1));
  for (let i = 0; i < samples.length; i++) {
    if (wide) body.writeUInt16BE(samples[i]!, 2 * i);
    else body[i] = samples[i]!;
  }
  return Buffer.concat([Buffer.from(header, 'latin1'), body]);
}

function expectSkip(fn: () => unknown, reason: string, detail?: RegExp) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SkipError);
    expect((e as SkipError).reason).toBe(reason);
    if (detail) expect((e as SkipError).detail).toMatch(detail);
    return;
  }
  throw new Error('expected a SkipError');
}

describe('netpbm', () => {
  it('reads P5 and P6, 8-bit, with comments and odd whitespace', () => {
    const p5 = binary('P5', W, H, 255, gray8, 'P5 # a comment\n#another\r\n 4\t3\n\n 255\n');
    const a = decodeNetpbm(p5);
    expect([a.width, a.height, a.channels, a.maxval]).toEqual([4, 3, 1, 255]);
    expect(Array.from(a.data)).toEqual(Array.from(gray8));
    const b = decodeNetpbm(binary('P6', W, H, 255, rgb8));
    expect(b.channels).toBe(3);
    expect(Array.from(b.data)).toEqual(Array.from(rgb8));
  });

  it('scales 16-bit and low maxvals to 8 bits', () => {
    const g16 = Array.from(gray8, (v) => v * 257); // 0..65535 scale
    expect(Array.from(decodeNetpbm(binary('P5', W, H, 65535, g16)).data)).toEqual(Array.from(gray8));
    const r16 = Array.from(rgb8, (v) => v * 4); // maxval 1020
    const d = decodeNetpbm(binary('P6', W, H, 1020, r16)).data;
    expect(Array.from(d)).toEqual(Array.from(rgb8, (v) => Math.round((v * 4 * 255) / 1020)));
    const low = decodeNetpbm(Buffer.from('P2 2 1 15 0 15')).data;
    expect(Array.from(low)).toEqual([0, 255]);
  });

  it('reads ASCII P2/P3 (8- and 16-bit) and bitmaps P1/P4', () => {
    const p2 = `P2\n# ascii gray\n${W} ${H}\n255\n${Array.from(gray8).join(' ')}\n`;
    expect(Array.from(decodeNetpbm(Buffer.from(p2)).data)).toEqual(Array.from(gray8));
    const p3 = `P3 ${W} ${H} 65535\n${Array.from(rgb8, (v) => v * 257).join('\n')}`;
    const d3 = decodeNetpbm(Buffer.from(p3));
    expect(d3.channels).toBe(3);
    expect(Array.from(d3.data)).toEqual(Array.from(rgb8));
    // P1 digits need no separators; 1 = black
    expect(Array.from(decodeNetpbm(Buffer.from('P1\n3 2\n101\n0 1 0')).data)).toEqual([0, 255, 0, 255, 0, 255]);
    // P4: 10 pixels per row -> 2 bytes per row
    const p4 = Buffer.concat([Buffer.from('P4\n10 1\n'), Buffer.from([0b10000000, 0b01000000])]);
    const d4 = decodeNetpbm(p4).data;
    expect(Array.from(d4)).toEqual([0, 255, 255, 255, 255, 255, 255, 255, 255, 0]);
  });

  it('reports truncated and corrupt files as SkipError with a reason', () => {
    const p5 = binary('P5', W, H, 255, gray8);
    expectSkip(() => decodeNetpbm(p5.subarray(0, p5.length - 2)), 'corrupt', /truncated/);
    expectSkip(() => decodeNetpbm(Buffer.from('P5\n4 3\n')), 'corrupt', /truncated/);
    expectSkip(() => decodeNetpbm(Buffer.from('P2 2 2 255 1 2 3')), 'corrupt', /truncated/);
    expectSkip(() => decodeNetpbm(Buffer.from('P2 2 1 10 1 11')), 'corrupt', /exceeds/);
    expectSkip(() => decodeNetpbm(Buffer.from('P5 x 3 255\n')), 'corrupt', /width/);
    expectSkip(() => decodeNetpbm(Buffer.from('P5 4 3 70000\n')), 'corrupt', /maximum value/);
    expectSkip(() => decodeNetpbm(Buffer.from('P5 20000 20000 255\n')), 'too-many-pixels');
    expectSkip(() => decodeNetpbm(Buffer.from('P7\nWIDTH 2\n')), 'unsupported-format');
    expectSkip(() => decodeNetpbm(Buffer.from('hello')), 'not-an-image');
    expectSkip(() => decodeNetpbm(Buffer.alloc(0)), 'empty');
  });

  it('decodes files through decodeImage, resized by fit and crop', async () => {
    // 8 wide x 4 high, left half black, right half white
    const wide = Uint8Array.from({ length: 32 }, (_, i) => (i % 8 < 4 ? 0 : 255));
    const p = join(dir, 'wide.pgm');
    await writeFile(p, binary('P5', 8, 4, 255, wide));
    const fit = await decodeImage(p, { side: 8, color: 'gray', resize: 'fit' });
    expect(fit.length).toBe(64);
    // letterboxed: rows 0-1 and 6-7 padding (black); middle rows keep the edge
    expect(fit[0]).toBe(0);
    expect(fit[8 * 4 + 7]).toBeGreaterThan(240);
    expect(fit[7]).toBe(0);
    const crop = await decodeImage(p, { side: 4, color: 'rgb', resize: 'crop' });
    expect(crop.length).toBe(48);
    // centre crop of 4x4 from 8x4 keeps columns 2..5: dark left, light right
    expect(crop[0]).toBeLessThan(20);
    expect(crop[3 * 3]).toBeGreaterThan(235);
    // same size and channels: returned as is
    const same = join(dir, 'same.ppm');
    await writeFile(
      same,
      binary(
        'P6',
        2,
        2,
        65535,
        Array.from({ length: 12 }, (_, i) => i * 5000),
      ),
    );
    const s = await decodeImage(same, { side: 2, color: 'rgb', resize: 'fit' });
    expect(Array.from(s)).toEqual(Array.from({ length: 12 }, (_, i) => Math.round((i * 5000 * 255) / 65535)));
  });
});
