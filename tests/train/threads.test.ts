// The default thread count: one per core, at most 8, and at least 16 images of a batch each.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultTrainingThreads } from '../../src/main/core/train/threads.js';

describe('defaultTrainingThreads', () => {
  it('follows the cores, caps at 8, and leaves every thread 16 images', () => {
    const cores = availableParallelism();
    expect(defaultTrainingThreads(128)).toBe(Math.min(cores, 8));
    expect(defaultTrainingThreads(4096)).toBe(Math.min(cores, 8));
    expect(defaultTrainingThreads(32)).toBe(Math.min(cores, 2));
    expect(defaultTrainingThreads(8)).toBe(1);
    expect(defaultTrainingThreads(1)).toBe(1);
  });
});
