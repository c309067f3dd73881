// The layering the design depends on: the core and the contract never import electron (so the
// CLI, the browser bridge and these tests run without it), and the contract stays free of
// node:* and the DOM (the renderer bundles it).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|mts|mjs|svelte)$/.test(name) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [
    ...src.matchAll(
      /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => m[1] ?? m[2] ?? m[3]!);
}

describe('layering', () => {
  it('src/main/core and src/shared never import electron', () => {
    const offenders = [...files(join(root, 'src/main/core')), ...files(join(root, 'src/shared'))]
      .filter((f) => imports(f).some((i) => i === 'electron' || i.startsWith('electron/')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });

  it('src/shared imports no node:* module and nothing from main or the renderer', () => {
    const offenders = files(join(root, 'src/shared')).flatMap((f) =>
      imports(f)
        .filter(
          (i) => i.startsWith('node:') || i.includes('/main/') || i.includes('/renderer/') || ['fs', 'path', 'os', 'crypto'].includes(i),
        )
        .map((i) => `${relative(root, f)} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the renderer reaches the main process only through the contract', () => {
    const offenders = files(join(root, 'src/renderer/src')).flatMap((f) =>
      imports(f)
        .filter((i) => i === 'electron' || i.startsWith('node:') || /\/main\//.test(i))
        .map((i) => `${relative(root, f)} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});
