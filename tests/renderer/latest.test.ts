// The request counter every view uses: an older answer arriving after a newer one is dropped.
import { describe, expect, it, vi } from 'vitest';
import { LatestOnly, latest } from '../../src/renderer/src/lib/latest';
import { deferred, settle } from './deferred';

describe('latest()', () => {
  // the older request answers last, or first: either way only the newer answer is used
  it.each([
    ['after', ['new', 'old'] as const],
    ['before', ['old', 'new'] as const],
  ])('drops an older answer arriving %s the newer one', async (_when, order) => {
    const requests = latest();
    const seen: string[] = [];
    const answers = { old: deferred<string>(), new: deferred<string>() };
    requests(answers.old.promise, (v) => seen.push(v));
    requests(answers.new.promise, (v) => seen.push(v));
    for (const which of order) {
      answers[which].resolve(which);
      await settle();
    }
    expect(seen).toEqual(['new']);
  });

  it("a request's cancel drops its answer, but not a newer request's", async () => {
    const requests = latest();
    const seen: string[] = [];
    const a = deferred<string>();
    const cancelA = requests(a.promise, (v) => seen.push(v));
    cancelA();
    a.resolve('a');
    await settle();
    expect(seen).toEqual([]);

    const b = deferred<string>();
    const cancelB = requests(b.promise, (v) => seen.push(v));
    const c = deferred<string>();
    requests(c.promise, (v) => seen.push(v));
    cancelB(); // an $effect tearing down late must not cancel its successor
    c.resolve('c');
    await settle();
    expect(seen).toEqual(['c']);
  });

  it('cancel() drops everything on its way', async () => {
    const requests = latest();
    const use = vi.fn();
    const a = deferred<number>();
    requests(a.promise, use);
    requests.cancel();
    a.resolve(1);
    await settle();
    expect(use).not.toHaveBeenCalled();
  });

  it('sends failures, and a throwing use, to fail; stale failures nowhere', async () => {
    const requests = latest();
    const fail = vi.fn();
    const a = deferred<number>();
    requests(a.promise, () => {}, fail);
    const b = deferred<number>();
    requests(
      b.promise,
      () => {
        throw new Error('bad answer');
      },
      fail,
    );
    a.reject(new Error('stale'));
    b.resolve(2);
    await settle();
    expect(fail).toHaveBeenCalledTimes(1);
    expect((fail.mock.calls[0]![0] as Error).message).toBe('bad answer');

    const c = deferred<number>();
    requests(c.promise, () => {}, fail);
    c.reject(new Error('down'));
    await settle();
    expect((fail.mock.calls[1]![0] as Error).message).toBe('down');
  });
});

describe('LatestOnly', () => {
  it('keeps one request in flight and sends only the newest waiting one', async () => {
    const answers = new Map<number, ReturnType<typeof deferred<string>>>();
    const sent: number[] = [];
    const got: string[] = [];
    const pendingSeen: boolean[] = [];
    const only: LatestOnly<number, string> = new LatestOnly(
      (n: number) => {
        sent.push(n);
        const d = deferred<string>();
        answers.set(n, d);
        return d.promise;
      },
      (r) => {
        got.push(r);
        pendingSeen.push(only.hasPending);
      },
      () => {},
    );
    only.request(1);
    only.request(2);
    only.request(3); // overwrites 2: never sent
    expect(sent).toEqual([1]);
    answers.get(1)!.resolve('one');
    await settle();
    expect(sent).toEqual([1, 3]);
    answers.get(3)!.resolve('three');
    await settle();
    expect(got).toEqual(['one', 'three']);
    expect(pendingSeen).toEqual([true, false]); // the view shows "drawing…" while 3 is due
    expect(only.busy).toBe(false);
  });

  it('with depth 2 keeps two in flight, sends the newest waiting one, and drops an answer older than one shown', async () => {
    const answers = new Map<number, ReturnType<typeof deferred<string>>>();
    const sent: number[] = [];
    const got: string[] = [];
    const only = new LatestOnly(
      (n: number) => {
        sent.push(n);
        const d = deferred<string>();
        answers.set(n, d);
        return d.promise;
      },
      (r) => got.push(r),
      () => {},
      2,
    );
    only.request(1);
    only.request(2);
    only.request(3);
    only.request(4); // overwrites 3
    expect(sent).toEqual([1, 2]);
    expect(only.hasPending).toBe(true);
    answers.get(2)!.resolve('two'); // the newer answer first
    await settle();
    expect(sent).toEqual([1, 2, 4]);
    answers.get(1)!.resolve('one'); // older than what is shown: dropped, its slot freed
    answers.get(4)!.resolve('four');
    await settle();
    expect(got).toEqual(['two', 'four']);
    expect(only.busy).toBe(false);
  });

  it('reset() ignores the answer in flight and frees the slot', async () => {
    const d = deferred<string>();
    const got: string[] = [];
    const only = new LatestOnly(
      (n: number) => (n === 1 ? d.promise : Promise.resolve(`n${n}`)),
      (r) => got.push(r),
      () => {},
    );
    only.request(1);
    only.reset();
    only.request(2);
    d.resolve('stale');
    await settle();
    expect(got).toEqual(['n2']);
  });

  it('reports a failure and goes on with the waiting request', async () => {
    const errors: unknown[] = [];
    const got: string[] = [];
    const only = new LatestOnly(
      (n: number) => (n === 1 ? Promise.reject(new Error('first failed')) : Promise.resolve(`n${n}`)),
      (r) => got.push(r),
      (e) => errors.push(e),
    );
    only.request(1);
    only.request(2);
    await settle();
    await settle();
    expect(errors).toHaveLength(1);
    expect(got).toEqual(['n2']);
  });
});
