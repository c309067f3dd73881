// Animated GIF and WebP: frames stacked as pages and encoded by sharp, the settings stored as
// for PNGs (a GIF comment per key, WebP's XMP), and a reader of both that counts the frames.
import sharp from 'sharp';
import { composeGrid } from './png.js';

export type AnimationFormat = 'gif' | 'webp';

export interface AnimationOptions {
  /** [n, height, width, channels] */
  frames: Uint8Array;
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
  format: AnimationFormat;
  fps: number;
  /** integer nearest-neighbour upscaling */
  scale: number;
  /** key -> value, as the PNG text chunks */
  text?: Record<string, string>;
}

export interface Animation {
  bytes: Buffer;
  width: number;
  height: number;
  /** the delay the file stores: GIF counts hundredths of a second */
  delayMs: number;
}

export async function encodeAnimation(o: AnimationOptions): Promise<Animation> {
  const delayMs = o.format === 'gif' ? Math.max(2, Math.round(100 / o.fps)) * 10 : Math.round(1000 / o.fps);
  // one column, no gutter: the frames stacked top to bottom, each a page
  const stack = composeGrid({
    tiles: o.frames,
    n: o.n,
    height: o.height,
    width: o.width,
    channels: o.channels,
    cols: 1,
    scale: o.scale,
    gutter: 0,
  });
  const pageHeight = o.height * o.scale;
  const img = sharp(stack.data, { raw: { width: stack.width, height: stack.height, channels: o.channels, pageHeight } });
  // keepDuplicateFrames: a still stretch of a walk stays as many frames as were asked for
  const delay = new Array<number>(o.n).fill(delayMs);
  const text = o.text ?? {};
  if (o.format === 'gif') {
    const gif = await img.gif({ loop: 0, delay, keepDuplicateFrames: true, effort: 7 }).toBuffer();
    return { bytes: withGifComments(gif, text), width: stack.width, height: pageHeight, delayMs };
  }
  const webp = await img.webp({ loop: 0, delay, lossless: true, effort: 4 }).withXmp(toXmp(text)).toBuffer();
  return { bytes: webp, width: stack.width, height: pageHeight, delayMs };
}

// ---------------------------------------------------------------- GIF

/** Where the first block after the header, the screen descriptor and its colour table starts. */
function gifBlocksStart(b: Buffer): number {
  if (b.length < 13 || !/^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) throw new Error('not a GIF (bad header)');
  const packed = b[10]!;
  return 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
}

/** Comment extensions ("key=value", one per key) right after the global colour table. */
function withGifComments(gif: Buffer, text: Record<string, string>): Buffer {
  const at = gifBlocksStart(gif);
  const blocks = Object.entries(text).map(([k, v]) => {
    const body = Buffer.from(`${k}=${v}`, 'utf8');
    const parts: Buffer[] = [Buffer.from([0x21, 0xfe])];
    for (let i = 0; i < body.length; i += 255) {
      const sub = body.subarray(i, i + 255);
      parts.push(Buffer.from([sub.length]), sub);
    }
    parts.push(Buffer.from([0]));
    return Buffer.concat(parts);
  });
  return Buffer.concat([gif.subarray(0, at), ...blocks, gif.subarray(at)]);
}

/** Data sub-blocks from `pos`: their bytes joined, and where the block ends. */
function subBlocks(b: Buffer, pos: number): { data: Buffer; end: number } {
  const parts: Buffer[] = [];
  for (;;) {
    if (pos >= b.length) throw new Error('GIF: truncated data sub-blocks');
    const len = b[pos]!;
    if (len === 0) return { data: Buffer.concat(parts), end: pos + 1 };
    parts.push(b.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
}

function readGif(b: Buffer): AnimationInfo {
  let pos = gifBlocksStart(b);
  let frames = 0;
  const text: Record<string, string> = {};
  while (pos < b.length) {
    const kind = b[pos]!;
    if (kind === 0x3b) return { format: 'gif', frames, text };
    if (kind === 0x21) {
      const { data, end } = subBlocks(b, pos + 2);
      if (b[pos + 1] === 0xfe) {
        const s = data.toString('utf8');
        const eq = s.indexOf('=');
        if (eq > 0) text[s.slice(0, eq)] = s.slice(eq + 1);
      }
      pos = end;
    } else if (kind === 0x2c) {
      frames++;
      const packed = b[pos + 9]!;
      pos += 10 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0) + 1; // + LZW minimum code size
      pos = subBlocks(b, pos).end;
    } else throw new Error(`GIF: unknown block 0x${kind.toString(16)} at ${pos}`);
  }
  throw new Error('GIF: no trailer (truncated)');
}

// ---------------------------------------------------------------- WebP

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const xmlUnescape = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)))
    .replace(/&amp;/g, '&');

/** Each key as an element of our namespace (keys such as latent-lab:spec are not XML names). */
function toXmp(text: Record<string, string>): string {
  const items = Object.entries(text)
    .map(([k, v]) => `<rdf:li ll:key="${xmlEscape(k)}" ll:value="${xmlEscape(v)}"/>`)
    .join('');
  return (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    `<rdf:Description xmlns:ll="https://latentlab.app/ns/1.0/"><ll:settings><rdf:Bag>${items}</rdf:Bag></ll:settings>` +
    '</rdf:Description></rdf:RDF></x:xmpmeta>'
  );
}

function readWebp(b: Buffer): AnimationInfo {
  if (b.length < 12 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP')
    throw new Error('not a WebP (bad header)');
  let pos = 12;
  let frames = 0;
  let still = false;
  const text: Record<string, string> = {};
  while (pos + 8 <= b.length) {
    const type = b.toString('latin1', pos, pos + 4);
    const size = b.readUInt32LE(pos + 4);
    if (pos + 8 + size > b.length) throw new Error(`WebP: chunk ${type} at ${pos} is truncated`);
    if (type === 'ANMF') frames++;
    if (type === 'VP8 ' || type === 'VP8L') still = true;
    if (type === 'XMP ') {
      const xmp = b.toString('utf8', pos + 8, pos + 8 + size);
      for (const m of xmp.matchAll(/ll:key="([^"]*)" ll:value="([^"]*)"/g)) text[xmlUnescape(m[1]!)] = xmlUnescape(m[2]!);
    }
    pos += 8 + size + (size & 1);
  }
  return { format: 'webp', frames: frames || (still ? 1 : 0), text };
}

export interface AnimationInfo {
  format: AnimationFormat;
  frames: number;
  text: Record<string, string>;
}

/** The frame count and the stored settings of a GIF or WebP written here (or anywhere). */
export function readAnimation(buf: Uint8Array): AnimationInfo {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return b.toString('latin1', 0, 4) === 'RIFF' ? readWebp(b) : readGif(b);
}
