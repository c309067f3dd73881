// Waiting for a job's end: its one `job:finished` event may arrive before the call that started
// it has answered with the job's id (a quick import, the event and the answer travelling apart).
import { describe, expect, it } from 'vitest';
import { JobEnds, KEEP_ENDINGS } from '../../src/renderer/src/lib/job-ends';
import { deferred, settle } from './deferred';
import type { JobFinished } from '../../src/shared/contract';

const ending = (jobId: string, status: JobFinished['status'] = 'done'): JobFinished => ({ jobId, kind: 'import', status, message: jobId });

/** A start call whose answer (the job id) and the job's ending arrive in the given order. */
async function startAndWait(ends: JobEnds, order: 'ending first' | 'answer first'): Promise<JobFinished[]> {
  const seen: JobFinished[] = [];
  const answer = deferred<{ jobId: string }>();
  const waiting = answer.promise.then((r) => ends.onEnd(r.jobId, (f) => seen.push(f)));
  if (order === 'ending first') {
    ends.finished(ending('a'));
    answer.resolve({ jobId: 'a' });
  } else {
    answer.resolve({ jobId: 'a' });
    await settle();
    ends.finished(ending('a'));
  }
  await waiting;
  await settle();
  return seen;
}

describe('JobEnds', () => {
  it.each(['ending first', 'answer first'] as const)('gives the waiter its job’s ending once, %s', async (order) => {
    const ends = new JobEnds();
    expect(await startAndWait(ends, order)).toEqual([ending('a')]);
  });

  it("another job's ending does not end the wait; stopping it before the end means no call", () => {
    const ends = new JobEnds();
    const seen: string[] = [];
    ends.onEnd('a', (f) => seen.push(`a:${f.jobId}`));
    const stopB = ends.onEnd('b', (f) => seen.push(`b:${f.jobId}`));
    ends.finished(ending('c'));
    stopB();
    ends.finished(ending('b'));
    expect(seen).toEqual([]);
    ends.finished(ending('a', 'failed'));
    expect(seen).toEqual(['a:a']);
    expect(ends.ended('a')?.status).toBe('failed');
  });

  it('keeps a bounded number of endings for late waiters (the app sees every job end)', () => {
    const ends = new JobEnds();
    for (let i = 0; i <= KEEP_ENDINGS; i++) ends.finished(ending(`j${i}`));
    expect(ends.ended('j0')).toBeUndefined();
    expect(ends.ended(`j${KEEP_ENDINGS}`)?.jobId).toBe(`j${KEEP_ENDINGS}`);
    const seen: string[] = [];
    ends.onEnd('j1', (f) => seen.push(f.jobId));
    expect(seen).toEqual(['j1']);
  });

  it('calls a waiter once even if an ending is told twice', () => {
    const ends = new JobEnds();
    let calls = 0;
    ends.onEnd('a', () => calls++);
    ends.finished(ending('a'));
    ends.finished(ending('a'));
    expect(calls).toBe(1);
  });
});
