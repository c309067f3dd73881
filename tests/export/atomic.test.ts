// Atomic writes that never replace a file unless asked: the exports' refusal at the write itself.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/main/core/export/atomic';

const dir = mkdtempSync(join(tmpdir(), 'll-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic with overwrite: false', () => {
  it('writes a new file, refuses an existing one with EEXIST and leaves it and no temp file behind', async () => {
    const path = join(dir, 'walk.gif');
    await writeFileAtomic(path, 'first', { overwrite: false });
    expect(readFileSync(path, 'utf8')).toBe('first');
    await expect(writeFileAtomic(path, 'second', { overwrite: false })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(path, 'utf8')).toBe('first');
    expect(readdirSync(dir)).toEqual(['walk.gif']);
    // the default still replaces, as every existing caller expects
    writeFileSync(join(dir, 'grid.png'), 'old');
    await writeFileAtomic(join(dir, 'grid.png'), 'new');
    expect(readFileSync(join(dir, 'grid.png'), 'utf8')).toBe('new');
  });
});
