// Builds every wasm kernel from its text format: src/main/core/wasm/<name>.wat -> <name>.wasm.ts
// (the module's bytes as base64, committed, so neither the app nor its tests need wabt at run
// time). `npm run build:wasm` after changing a .wat; tests/wasm/kernels.test.ts rebuilds each
// one and fails when the committed bytes differ.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WASM_DIR = fileURLToPath(new URL('../src/main/core/wasm/', import.meta.url));
/** SIMD for the lanes, threads for the shared memory the training threads work in */
const FEATURES = { simd: true, threads: true };

/**
 * The module's bytes from a .wat file's text; with `shared`, its `(memory 0)` import made a
 * shared one (a kernel marked `;; @shared-variant` serves both kinds of memory).
 */
export async function assembleWat(file, shared = false) {
  const wabt = await (await import('wabt')).default();
  const text = readFileSync(file, 'utf8');
  const source = shared ? text.replace('(memory 0)', '(memory 0 65536 shared)') : text;
  const module = wabt.parseWat(basename(file), source, FEATURES);
  try {
    module.validate(FEATURES);
    return Uint8Array.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** Whether a kernel's text asks for a second build over a shared memory. */
export function hasSharedVariant(file) {
  return readFileSync(file, 'utf8').includes(';; @shared-variant');
}

/** The name a kernel's bytes are exported under: adam -> adamWasm, and adamSharedWasm for the shared build. */
export function exportName(name, shared = false) {
  return `${name.replace(/-(.)/g, (_, c) => c.toUpperCase())}${shared ? 'Shared' : ''}Wasm`;
}

/** The TypeScript module that carries the bytes (of each variant). */
export function wasmModuleSource(name, variants) {
  return [
    `// Built from ${name}.wat by \`npm run build:wasm\` (wabt). Do not edit: change the .wat and rebuild.`,
    "import { fromBase64 } from './bytes.js';",
    '',
    ...variants.map(
      ({ shared, bytes }) => `export const ${exportName(name, shared)} = fromBase64('${Buffer.from(bytes).toString('base64')}');`,
    ),
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const f of readdirSync(WASM_DIR).filter((f) => f.endsWith('.wat'))) {
    const name = f.slice(0, -'.wat'.length);
    const file = join(WASM_DIR, f);
    const variants = [{ shared: false, bytes: await assembleWat(file) }];
    if (hasSharedVariant(file)) variants.push({ shared: true, bytes: await assembleWat(file, true) });
    writeFileSync(join(WASM_DIR, `${name}.wasm.ts`), wasmModuleSource(name, variants));
    console.log(`${name}.wasm.ts: ${variants.map((v) => `${v.bytes.length} bytes${v.shared ? ' (shared)' : ''}`).join(', ')}`);
  }
}
