// Runs the CLI in-process against a test's data folder, collecting what it prints.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { main } from '../../src/main/cli';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** a `cli(...args)` for the data folder `dir()` names (read at each call: it is made in beforeAll) */
export function cliIn(dir: () => string): (...args: string[]) => Promise<CliRun> {
  return async (...args) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main([...args, '--data-dir', dir()], { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}

/** A fresh data folder for this test file, removed after it, and the CLI pointed at it. */
export function withDataDir(prefix: string): { cli: (...args: string[]) => Promise<CliRun>; dir: () => string } {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { cli: cliIn(() => dir), dir: () => dir };
}
