// What a folder import cannot read is said, never dropped: a FIFO, a socket and a
// link to a device are listed as skipped with what they are; a file whose name is not valid
// UTF-8 is reported as such, not as a missing file (ENOENT).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFolder, scanFolder } from '../../src/main/core/data/folder';

let root: string;
let sock: Server;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'll-entries-'));
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
  writeFileSync(join(root, 'good.png'), png);
  execFileSync('mkfifo', [join(root, 'pipe.png')]);
  symlinkSync('/dev/null', join(root, 'null.png'));
  sock = createServer();
  await new Promise<void>((res) => sock.listen(join(root, 'sock.png'), res));
  // a name with a byte (0xff) that is not UTF-8: Node reads it with U+FFFD in its place
  writeFileSync(Buffer.concat([Buffer.from(join(root, 'bad')), Buffer.from([0xff]), Buffer.from('.png')]), png);
});
afterAll(() => {
  sock?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('entries a folder import cannot read', () => {
  it('are each listed with what they are, and the good image imported', async () => {
    const scan = await scanFolder(root);
    expect(scan.files.map((f) => basename(f.path))).toEqual(['good.png']);
    const byName = Object.fromEntries(scan.errors.map((e) => [basename(e.path), e.detail]));
    expect(byName['pipe.png']).toBe('a FIFO (named pipe), not a regular file');
    expect(byName['sock.png']).toBe('a socket, not a regular file');
    expect(byName['null.png']).toBe('a link to a character device, not a regular file');
    expect(byName['bad\uFFFD.png']).toBe('its name is not valid UTF-8; rename it to import it');
    expect(Object.values(byName).join(' ')).not.toMatch(/ENOENT/);

    const r = await importFolder(root, { color: 'gray', side: 8, resize: 'fit', testShare: 0, seed: 1 });
    expect(r.files.length).toBe(1);
    expect(r.skipped.map((s) => basename(s.path)).sort()).toEqual(['bad\uFFFD.png', 'null.png', 'pipe.png', 'sock.png']);
    expect(r.skipped.every((s) => s.reason === 'unreadable')).toBe(true);
  });
});
