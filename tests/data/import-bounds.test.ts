// Import paths are not trusted: a FIFO, /dev/zero and a socket are refused with
// the file named and without a hang; a real gzip bomb, written here, stops at the size its
// header declares (measured as the peak RSS of a real child process); a header that declares
// more than the hard cap is refused before anything is allocated; a read is cancellable.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke as dispatch } from '../../src/main/dispatch';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { readIdxFile } from '../../src/main/core/data/idx';
import { idxU8, startChild } from '../service/processes';

let dir: string;
let svc: LatentLabService;
let sock: Server;

const MiB = 1024 * 1024;

/**
 * A gzip bomb: its header declares 100 images of 28x28 (78 KB), the stream inflates to
 * `mib` MiB of zeros. Concatenated gzip members (valid gzip) keep the writing fast.
 */
function writeBomb(path: string, mib: number): void {
  const block = gzipSync(Buffer.alloc(64 * MiB), { level: 9 });
  const fd = openSync(path, 'w');
  writeSync(fd, gzipSync(idxU8([100, 28, 28], new Uint8Array(100 * 784))));
  for (let i = 0; i < mib / 64; i++) writeSync(fd, block);
  closeSync(fd);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-bounds-'));
  execFileSync('mkfifo', [join(dir, 'pipe.idx')]);
  sock = createServer();
  await new Promise<void>((res) => sock.listen(join(dir, 'sock.idx'), res));
  svc = await openService({ dataDir: join(dir, 'data'), door: 'browser' });
});
afterAll(async () => {
  sock?.close();
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('import paths that are not regular files', () => {
  it.each([
    ['pipe.idx', /pipe\.idx is a FIFO \(named pipe\); only regular files can be imported/],
    ['sock.idx', /sock\.idx is a socket; only regular files/],
    ['/dev/zero', /\/dev\/zero is a character device; only regular files/],
  ])('refuses %s at once, naming it', async (name, message) => {
    const path = name.startsWith('/') ? name : join(dir, name);
    const r = await dispatch(svc, 'datasets:import', { kind: 'idx', path });
    expect(!r.ok && r.error.code).toBe('bad-input');
    expect(!r.ok && r.error.message).toMatch(message);
    // the reader refuses too (a path swapped for a FIFO after the check), without blocking on the open
    await expect(readIdxFile(path)).rejects.toThrow(message);
  });
});

describe('IDX reads bounded by the header', () => {
  it('stops a 1 GiB gzip bomb at the size its header declares (peak RSS of a real process)', async () => {
    const bomb = join(dir, 'bomb-images.idx.gz');
    writeBomb(bomb, 1024);
    const child = startChild(join(dir, 'bomb-data'), 'datasets:import', { kind: 'idx', path: bomb });
    const { finished } = await child.next<{ finished: { status: string; message: string } }>((l) => 'finished' in l);
    const { maxRssKb } = await child.next<{ maxRssKb: number }>((l) => 'maxRssKb' in l);
    expect(finished.status).toBe('failed');
    expect(finished.message).toMatch(/bomb-images\.idx\.gz: unexpected bytes after the data \(dimensions \[100, 28, 28\]\)/);
    console.log(`gzip bomb (1 GiB inflated): peak RSS of the importing process ${(maxRssKb / 1024).toFixed(0)} MiB`);
    expect(maxRssKb * 1024).toBeLessThan(700 * MiB); // the whole stream inflated would pass 1 GiB
  });

  it('refuses a header that declares more than the hard cap before allocating', async () => {
    const huge = join(dir, 'huge.idx.gz');
    const head = Buffer.alloc(16);
    head[2] = 0x08;
    head[3] = 3;
    [100_000, 1000, 1000].forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
    const fd = openSync(huge, 'w');
    writeSync(fd, gzipSync(head));
    closeSync(fd);
    await expect(readIdxFile(huge)).rejects.toThrow(
      /huge\.idx\.gz: its header declares dimensions \[100000, 1000, 1000\] of u8 .* more than/,
    );
  });

  it('stops a read when its signal aborts', async () => {
    const big = join(dir, 'big.idx.gz');
    const fd = openSync(big, 'w');
    writeSync(fd, gzipSync(idxU8([500, 256, 256], new Uint8Array(500 * 65536))));
    closeSync(fd);
    const ac = new AbortController();
    const read = readIdxFile(big, ac.signal);
    ac.abort();
    await expect(read).rejects.toThrow(/abort/i);
  });
});
