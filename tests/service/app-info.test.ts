// Behind the app's doors the training-engine probe (Dawn loaded, an adapter asked for: ~25 ms on
// the answering thread) runs while the service opens, not inside the first app:info, which
// held up every call queued behind it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openService } from '../../src/main/core/service';

it('answers the first app:info at once: the probe ran while the service opened', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-app-info-'));
  const svc = await openService({ dataDir: dir, door: 'browser' });
  try {
    await new Promise((r) => setTimeout(r, 3000)); // the window loading
    const t0 = performance.now();
    const info = await svc['app:info']({});
    const ms = performance.now() - t0;
    expect(info.training?.backend).toBeTruthy();
    expect(ms).toBeLessThan(10); // 25 ms when the probe ran here
  } finally {
    await svc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
