// Three builds into out/ (electron-vite's default; `--outDir D` moves all three): main (+ the
// training worker), preload, renderer.
//   out/main/index.js          Electron's main process (ESM, package.json "type": "module")
//   out/main/train-worker.js   the training worker_thread, passed to openService({ workerEntry })
//   out/preload/index.cjs      the preload, CommonJS because sandboxed preloads cannot be ESM
//   out/renderer/index.html    the Svelte app (also served by browser mode)
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Paths are relative to the project folder, where electron-vite runs (the config is bundled
// before it is loaded, so import.meta points elsewhere).
const root = process.cwd();

export default defineConfig({
  main: {
    build: {
      // Native modules, wasm and data files stay in node_modules (read at run time, unpacked
      // from the asar where needed); electron-vite externalizes every `dependencies` entry.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'src/main/index.ts'),
          'train-worker': resolve(root, 'src/main/core/workers/entry.ts'),
        },
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle everything else into it.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs',
          // One file: a sandboxed preload cannot load chunks either.
          codeSplitting: false,
        },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [svelte()],
    build: {
      rolldownOptions: {
        input: { index: resolve(root, 'src/renderer/index.html') },
      },
    },
  },
});
