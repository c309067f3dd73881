// What a torchrun crash says, read from its report: the worker that died, not the one gloo
// aborted after it (torchrun may name the abort as the root cause: seen in a 2-process run).
import { describe, expect, it } from 'vitest';
import { lastWords } from '../../src/main/core/engines/torch/run';

const block = (i: number, rank: number, code: number, traceback: string) =>
  [
    `[${i}]:`,
    '  time      : 2026-12-07_01:40:00',
    '  host      : box',
    `  rank      : ${rank} (local_rank: ${rank})`,
    `  exitcode  : ${code} (pid: 2026${rank})`,
    '  error_file: <N/A>',
    `  traceback : ${traceback}`,
  ].join('\n');

describe("a torchrun crash's words", () => {
  it('name the worker that was killed, not the one aborted after it', () => {
    const stderr = [
      '/usr/lib/python3/dist-packages/torch/distributed/run.py FAILED',
      'Failures:',
      block(1, 1, -9, 'Signal 9 (SIGKILL) received by PID 20261'),
      '------------------------------------------------------------',
      'Root Cause (first observed failure):',
      block(0, 0, -6, 'Signal 6 (SIGABRT) received by PID 20260'),
    ].join('\n');
    expect(lastWords(stderr)).toBe(': training process rank 1 failed (Signal 9 (SIGKILL) received by PID 20261)');
  });

  it('name the root cause where no other failure is told, and its exit code where there is no traceback', () => {
    const stderr = [
      'Failures:',
      '  <NO_OTHER_FAILURES>',
      'Root Cause (first observed failure):',
      block(0, 0, 1, 'To enable traceback see: https://pytorch.org/docs'),
    ].join('\n');
    expect(lastWords(stderr)).toBe(': training process rank 0 failed (exit code 1)');
  });

  it('fall back to a Python error line', () => {
    expect(lastWords('Traceback (most recent call last):\n  File "x.py"\nValueError: the dataset file is damaged\n')).toBe(
      ': ValueError: the dataset file is damaged',
    );
  });
});
