// The job runner keeps its own waiters: a late `wait(id)` still gets the ending, and what it
// keeps for late waiters stays bounded (the service used to keep one entry per job forever
// in the app and browser mode, where nobody waits).
import { describe, expect, it } from 'vitest';
import type { JobFinished } from '../../src/shared/contract';
import { JobRunner, KEEP_FINISHED } from '../../src/main/core/jobs';

const quick = async (): Promise<{ message: string }> => ({ message: 'ok' });

describe('job runner: wait', () => {
  it('resolves a waiter that came before the end and one that came after', async () => {
    const seen: JobFinished[] = [];
    const runner = new JobRunner({ progress: () => undefined, finished: (f) => seen.push(f) });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const id = runner.start('import', 'slow', {}, async () => {
      await gate;
      return { message: 'slow done' };
    });
    const early = runner.wait(id);
    release();
    expect((await early).message).toBe('slow done');
    expect((await runner.wait(id)).message).toBe('slow done');
    expect(seen).toHaveLength(1);
  });

  it('keeps a bounded number of endings nobody waited for', async () => {
    const runner = new JobRunner({ progress: () => undefined, finished: () => undefined });
    const ids = Array.from({ length: KEEP_FINISHED + 50 }, (_, i) => runner.start('import', `job ${i}`, {}, quick));
    await Promise.all(ids.slice(-10).map((id) => runner.wait(id)));
    await new Promise((r) => setImmediate(r));
    expect(runner.keptEndings()).toBeLessThanOrEqual(KEEP_FINISHED);
    // the newest endings are still there for a late waiter
    expect((await runner.wait(ids.at(-1)!)).status).toBe('done');
    // an ending long gone (or an id never started) is refused rather than waited for forever
    await expect(runner.wait(ids[0]!)).rejects.toThrow(/no job/);
    await expect(runner.wait('nope')).rejects.toThrow(/no job/);
  });
});
