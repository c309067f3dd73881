// The wasm kernels are written in wasm's text format and built by a kept tool (wabt) into
// committed modules: each .wat here, built again, must give the bytes that are committed, so a
// change to a kernel is reviewed as text and its module is never stale.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script, typed by its use here
import { assembleWat, exportName, hasSharedVariant, WASM_DIR } from '../../scripts/build-wasm.mjs';

const kernels = readdirSync(WASM_DIR as string).filter((f) => f.endsWith('.wat'));

describe('wasm kernels', () => {
  it('exist as text', () => expect(kernels.length).toBeGreaterThan(0));
  for (const f of kernels) {
    it(`${f}: the committed module is what the text builds to`, async () => {
      const name = f.slice(0, -'.wat'.length);
      const file = join(WASM_DIR as string, f);
      const committed = (await import(`../../src/main/core/wasm/${name}.wasm.ts`)) as Record<string, Uint8Array<ArrayBuffer>>;
      for (const shared of (hasSharedVariant(file) as boolean) ? [false, true] : [false]) {
        const built = (await assembleWat(file, shared)) as Uint8Array;
        const bytes = committed[exportName(name, shared) as string]!;
        expect(Buffer.from(bytes).toString('base64'), `${name}${shared ? ' (shared)' : ''}`).toBe(Buffer.from(built).toString('base64'));
        expect(WebAssembly.validate(bytes)).toBe(true);
      }
    });
  }
});
