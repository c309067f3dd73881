// A real service on a fresh data folder for the tests of one describe block, closed and
// removed after it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openService, type LatentLabService } from '../../src/main/core/service';

/** `svc()` is the service (opened in beforeAll). */
export function withService(prefix: string): () => LatentLabService {
  let svc: LatentLabService | undefined;
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), prefix));
    svc = await openService({ dataDir, door: 'cli' });
  });
  afterAll(async () => {
    await svc?.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return () => svc!;
}
