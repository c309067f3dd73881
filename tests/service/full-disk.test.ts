// A real full disk under a training run: the data folder on a small tmpfs, filled
// up after the first epoch. The run must end failed with the reason and the service keep
// serving. Mounting needs root (CAP_SYS_ADMIN): elsewhere the test is skipped, saying why.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { invoke as dispatch } from '../../src/main/dispatch';
import { openService, type LatentLabService } from '../../src/main/core/service';

const mountPoint = mkdtempSync(join(tmpdir(), 'll-full-'));
let mounted = false;
let why = '';
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=72m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (err) {
  why = `cannot mount a small tmpfs here (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
}

let svc: LatentLabService;
let mnist: number;

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Writes zeros until the disk is full; returns the filler's path. */
function fillDisk(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch {
    // ENOSPC: full
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Starts a small run; resolves once its first epoch is recorded. */
async function trainUntilAnEpoch(): Promise<{ jobId: string; runId: number }> {
  const config = { model: 'vae' as const, latent: 2, hidden: [32], epochs: 50, batch: 50, limit: 1000 };
  const started = value(await dispatch(svc, 'runs:start', { datasetId: mnist, config }));
  await new Promise<void>((res) => {
    const off = svc.on('run:metric', (m) => {
      if (m.runId === started.runId && m.row.kind === 'epoch') {
        off();
        res();
      }
    });
  });
  return started;
}

beforeAll(async () => {
  if (!mounted) return;
  svc = await openService({ dataDir: mountPoint, door: 'browser' });
  const { jobId } = await svc['datasets:import']({ kind: 'mnist', color: 'auto', resize: 'fit', testShare: 0.1, seed: 1 });
  mnist = (await svc.waitForJob(jobId)).datasetId!;
});
afterAll(async () => {
  await svc?.close();
  if (mounted) execFileSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

describe.skipIf(!mounted)(`a full disk during training${mounted ? '' : ` (skipped: ${why})`}`, () => {
  it('ends the run failed with the reason and keeps serving', async () => {
    const { jobId, runId } = await trainUntilAnEpoch();
    const filler = fillDisk(mountPoint);
    const f = await svc.waitForJob(jobId);
    expect(f.status).toBe('failed');
    expect(f.message).toMatch(/full|ENOSPC|no space/i);
    expect(value(await dispatch(svc, 'app:info', {})).door).toBe('browser');
    expect(value(await dispatch(svc, 'runs:list', {})).map((r) => r.id)).toContain(runId);
    // while the disk is still full the database refuses the ending; the run shows it all the same
    const meanwhile = value(await dispatch(svc, 'runs:get', { runId }));
    expect(meanwhile.status).toBe('failed');
    expect(meanwhile.error).toMatch(/full|ENOSPC|no space/i);
    expect(value(await dispatch(svc, 'runs:list', {})).find((r) => r.id === runId)?.status).toBe('failed');
    // with space again, the ending the database refused is written
    unlinkSync(filler);
    let run = value(await dispatch(svc, 'runs:get', { runId }));
    for (let i = 0; i < 100 && run.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = value(await dispatch(svc, 'runs:get', { runId }));
    }
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/full|ENOSPC|no space/i);
    expect(run.epochsDone).toBeGreaterThanOrEqual(1);
    // the last good checkpoint still draws
    expect(value(await dispatch(svc, 'explore:grid', { kind: 'samples', runId, n: 2 })).n).toBe(2);
  });

  it('keeps the run failed, not interrupted, when the app stops before space comes back', async () => {
    const { jobId, runId } = await trainUntilAnEpoch();
    const filler = fillDisk(mountPoint);
    expect((await svc.waitForJob(jobId)).status).toBe('failed');
    await svc.close();
    unlinkSync(filler);
    svc = await openService({ dataDir: mountPoint, door: 'browser' });
    const run = value(await dispatch(svc, 'runs:get', { runId }));
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/full|ENOSPC|no space/i);
  });
});
