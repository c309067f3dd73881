// Export failures said in words: the file asked for (never a temp name), why (not
// errno text) and a code that is not `internal`; a grid over the pixel limit is `bad-args`
// with the limit in words. The full disk is a real small tmpfs where mounting is allowed.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { invoke } from '../../src/main/dispatch';
import { withTinyRun } from './tiny-run';

const t = withTinyRun('ll-export-msg-', 2);
const scratch = mkdtempSync(join(tmpdir(), 'll-export-to-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function mountSmall(): string | null {
  const at = join(scratch, 'small');
  try {
    execFileSync('mkdir', ['-p', at]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', at], { stdio: 'pipe' });
    return at;
  } catch {
    return null;
  }
}

/** The failure of a call that must fail. */
async function failure(method: 'export:grid' | 'export:metrics' | 'export:model', args: object) {
  const r = await invoke(t.svc(), method, args as never);
  if (r.ok) throw new Error(`${method} succeeded`);
  expect(r.error.message).not.toMatch(/\.tmp-|ENOENT|ENOTDIR|ENOSPC|errno/);
  return r.error;
}

describe('export failures', () => {
  it('name the file and say why: a missing folder, a file in the way', async () => {
    const missing = join(scratch, 'no-such-folder', 'metrics.csv');
    const e1 = await failure('export:metrics', { runId: t.runId(), path: missing });
    expect(e1).toEqual({
      code: 'not-found',
      message: `cannot write ${missing}: the folder ${join(scratch, 'no-such-folder')} does not exist`,
    });

    writeFileSync(join(scratch, 'a-file'), 'x');
    const under = join(scratch, 'a-file', 'grid.png');
    const e2 = await failure('export:grid', { spec: { kind: 'samples', runId: t.runId(), n: 4 }, path: under });
    expect(e2.code).toBe('bad-input');
    expect(e2.message).toBe(`cannot write ${under}: a part of ${join(scratch, 'a-file')} is a file, not a folder`);
  });

  it('say a full disk as such', async (ctx) => {
    const small = mountSmall();
    if (!small) return ctx.skip('cannot mount a small tmpfs here (needs root)');
    try {
      const fd = openSync(join(small, 'filler'), 'w');
      try {
        for (;;) writeSync(fd, Buffer.alloc(16 * 1024));
      } catch {
        // full
      } finally {
        closeSync(fd);
      }
      const out = join(small, 'model');
      const e = await failure('export:model', { runId: t.runId(), path: out });
      expect(e).toEqual({ code: 'bad-input', message: `cannot write ${out}: the disk is full` });
    } finally {
      execFileSync('umount', ['-l', small]);
    }
  });

  it('refuse a grid over 100 megapixels as bad-args, saying the limit', async () => {
    const spec = { kind: 'sweep', runId: t.runId(), dims: [0, 1], grid: 32 };
    const e = await failure('export:grid', { spec, scale: 16 });
    expect(e.code).toBe('bad-args');
    expect(e.message).toMatch(
      /^the picture would be \d+x\d+ pixels \(\d+\.\d megapixels\), over the limit of 100 megapixels; lower the scale/,
    );
  });
});
