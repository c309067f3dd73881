// One place for each thing: the event list the doors forward is the checked one,
// Result and its helpers live in one zod-free module the renderer can import, and the
// explore metrics take the KL from the model code instead of writing the formula again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as contract from '../../src/shared/contract';
import { eventNameList } from '../../src/shared/names';

const root = join(__dirname, '../..');
const source = (p: string): string => readFileSync(join(root, p), 'utf8');

describe('one source of truth', () => {
  it("the contract's eventNames is the compile-time-checked list, and both doors forward that list", () => {
    expect(contract.eventNames).toBe(eventNameList);
    for (const door of ['src/main/server.ts', 'src/main/index.ts']) {
      expect(source(door), door).toMatch(/import \{[^}]*\beventNameList\b[^}]*\} from '\.\.\/shared\/names'/);
      expect(source(door), door).not.toMatch(/\beventNames\b/);
    }
  });

  it('ok, fail and Result come from a zod-free shared/result.ts that the contract re-exports', async () => {
    const result = await import('../../src/shared/result');
    expect(source('src/shared/result.ts')).not.toMatch(/^\s*import\s/m);
    expect(contract.ok).toBe(result.ok);
    expect(contract.fail).toBe(result.fail);
    expect(contract.AppFailure).toBe(result.AppFailure);
    // the renderer imports them rather than writing its own
    const api = source('src/renderer/src/lib/api.ts');
    expect(api).not.toMatch(/const (ok|fail) = /);
    expect(api).toMatch(/from '\.\.\/\.\.\/\.\.\/shared\/result'/);
  });

  it('explore/metrics.ts takes the KL from the model code', () => {
    const metrics = source('src/main/core/explore/metrics.ts');
    expect(metrics).not.toMatch(/tf\.exp\([^)]*logvar\)/);
    expect(metrics).toMatch(/\bkl(StdNormal|Gaussians)\w*\b/);
  });
});
