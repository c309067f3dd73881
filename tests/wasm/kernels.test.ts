// The wasm kernels are written in wasm's text format and built by a kept tool (wabt) into
// committed modules: each .wat here, built again, must give the bytes that are committed, so a
// change to a kernel is reviewed as text and its module is never stale.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script, typed by its use here
import { assembleWat, WASM_DIR } from '../../scripts/build-wasm.mjs';

const kernels = readdirSync(WASM_DIR as string).filter((f) => f.endsWith('.wat'));

describe('wasm kernels', () => {
  it('exist as text', () => expect(kernels.length).toBeGreaterThan(0));
  for (const f of kernels) {
    it(`${f}: the committed module is what the text builds to`, async () => {
      const name = f.slice(0, -'.wat'.length);
      const built = (await assembleWat(join(WASM_DIR as string, f))) as Uint8Array;
      const constName = `${name.replace(/-(.)/g, (_: string, c: string) => c.toUpperCase())}Wasm`;
      const committed = ((await import(`../../src/main/core/wasm/${name}.wasm.ts`)) as Record<string, Uint8Array<ArrayBuffer>>)[constName]!;
      expect(Buffer.from(committed).toString('base64')).toBe(Buffer.from(built).toString('base64'));
      expect(WebAssembly.validate(committed)).toBe(true);
    });
  }
});
