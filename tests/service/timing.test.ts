// A call's record of stages (core/timing.ts): filled across awaits by code that is not passed
// the record, kept apart between calls that run at once, and a no-op outside a timed call.
import { describe, expect, it } from 'vitest';
import { addStage, currentStages, timedCall } from '../../src/main/core/timing';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('timedCall', () => {
  it('keeps the stages of calls that interleave apart, each summed over its own awaits', async () => {
    const call = (name: string, ms: number) =>
      timedCall(async () => {
        addStage(name, ms);
        await tick(5);
        addStage(name, ms);
        await tick(1);
        addStage('shared', ms);
        return name;
      });
    const [a, b] = await Promise.all([call('a', 1), call('b', 10)]);
    expect(a).toEqual({ value: 'a', stages: { a: 2, shared: 1 } });
    expect(b).toEqual({ value: 'b', stages: { b: 20, shared: 10 } });
  });

  it('lends its record to code that answers later from another context', async () => {
    let later: ((ms: number) => void) | undefined;
    const done = timedCall(async () => {
      const record = currentStages()!;
      // the answer comes on an event registered outside this call (a thread's message)
      await new Promise<void>((r) => (later = (ms) => ((record.thread = ms), r())));
    });
    await tick(1);
    later!(7);
    expect((await done).stages).toEqual({ thread: 7 });
  });

  it('does nothing outside a timed call', () => {
    expect(currentStages()).toBeUndefined();
    expect(() => addStage('x', 1)).not.toThrow();
  });
});
