// Links in an image folder: an import follows no link out of the chosen folder (a link to `/`
// once walked the whole disk and counted its images), reads each folder once (loops and
// second ways in are listed, not walked again), stops at a bound of entries and depth, and
// lists every link it did not follow with why.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFolder, scanFolder } from '../../src/main/core/data/folder';

let top: string;
let root: string;

const png = (path: string) =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
    .png()
    .toFile(path);

beforeAll(async () => {
  top = mkdtempSync(join(tmpdir(), 'll-links-'));
  root = join(top, 'chosen');
  const elsewhere = join(top, 'elsewhere');
  for (const d of [join(root, 'cats'), join(root, 'dogs', 'a', 'b', 'c'), elsewhere]) mkdirSync(d, { recursive: true });
  await png(join(root, 'cats', 'one.png'));
  await png(join(root, 'dogs', 'two.png'));
  await png(join(root, 'dogs', 'a', 'b', 'c', 'deep.png'));
  for (let i = 0; i < 5; i++) await png(join(elsewhere, `other-${i}.png`));
  symlinkSync(elsewhere, join(root, 'linked-out')); // a folder outside
  symlinkSync(join(elsewhere, 'other-0.png'), join(root, 'cats', 'outside.png')); // a file outside
  symlinkSync('/', join(root, 'everything')); // the whole disk
  symlinkSync('..', join(root, 'cats', 'up')); // a loop back to the chosen folder
  symlinkSync('cats', join(root, 'more-cats')); // a second way into a folder inside
  symlinkSync('one.png', join(root, 'cats', 'same.png')); // a second way to a file inside
});
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe('links in an image folder', () => {
  it('are followed only inside the chosen folder, each folder read once, and every one not followed is listed', async () => {
    const t0 = Date.now();
    const r = await importFolder(root, { color: 'gray', side: 8, resize: 'fit', testShare: 0, seed: 1 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.files.map((f) => f.path.slice(root.length + 1))).toEqual(['cats/one.png', 'dogs/a/b/c/deep.png', 'dogs/two.png']);
    const skipped = Object.fromEntries(r.skipped.map((s) => [basename(s.path), `${s.reason}: ${s.detail}`]));
    expect(skipped).toEqual({
      'linked-out': `not-followed: a link out of the chosen folder (to ${join(top, 'elsewhere')}); links are followed only inside it`,
      'outside.png': `not-followed: a link out of the chosen folder (to ${join(top, 'elsewhere', 'other-0.png')}); links are followed only inside it`,
      everything: 'not-followed: a link out of the chosen folder (to /); links are followed only inside it',
      up: `not-followed: a link back to ${root}, which holds it (a loop)`,
      'more-cats': `not-followed: a second way into ${join(root, 'cats')}, read once`,
      'same.png': `not-followed: the same file as ${join(root, 'cats', 'one.png')}, imported once`,
    });
  });

  it('stop at a bound of entries and of depth, and say where', async () => {
    const few = await scanFolder(join(root, 'dogs'), undefined, undefined, undefined, { maxEntries: 2, maxDepth: 32 });
    expect(few.truncated).toBe(true);
    expect(few.errors.map((e) => e.detail)).toEqual(['the walk stopped here, after 2 entries; choose a smaller folder']);
    const shallow = await scanFolder(join(root, 'dogs'), undefined, undefined, undefined, { maxEntries: 1000, maxDepth: 2 });
    expect(shallow.files.map((f) => basename(f.path))).toEqual(['two.png']);
    expect(shallow.errors).toEqual([
      { path: join(root, 'dogs', 'a', 'b', 'c'), reason: 'not-followed', detail: 'more than 2 folders deep' },
    ]);
  });
});
