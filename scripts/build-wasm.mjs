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

/** The module's bytes from a .wat file's text. */
export async function assembleWat(file) {
  const wabt = await (await import('wabt')).default();
  const module = wabt.parseWat(basename(file), readFileSync(file, 'utf8'), FEATURES);
  try {
    module.validate(FEATURES);
    return Uint8Array.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** The TypeScript module that carries the bytes. */
export function wasmModuleSource(name, bytes) {
  const constName = `${name.replace(/-(.)/g, (_, c) => c.toUpperCase())}Wasm`;
  return [
    `// Built from ${name}.wat by \`npm run build:wasm\` (wabt). Do not edit: change the .wat and rebuild.`,
    "import { fromBase64 } from './bytes.js';",
    '',
    `export const ${constName} = fromBase64('${Buffer.from(bytes).toString('base64')}');`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const f of readdirSync(WASM_DIR).filter((f) => f.endsWith('.wat'))) {
    const name = f.slice(0, -'.wat'.length);
    const bytes = await assembleWat(join(WASM_DIR, f));
    writeFileSync(join(WASM_DIR, `${name}.wasm.ts`), wasmModuleSource(name, bytes));
    console.log(`${name}.wasm.ts: ${bytes.length} bytes`);
  }
}
