// Three builds into out/ (electron-vite's default; `--outDir D` moves all three): main (+ the
// training worker), preload, renderer.
//   out/main/index.js          Electron's main process (ESM, package.json "type": "module")
//   out/main/train-worker.js   the training worker_thread, passed to openService({ workerEntry })
//   out/main/torch/*.py        the PyTorch engine's training program (engines/torch)
//   out/preload/index.cjs      the preload, CommonJS because sandboxed preloads cannot be ESM
//   out/renderer/index.html    the Svelte app (also served by browser mode)
//   out/renderer/trainer.html  the trainer page on Chromium's WebGPU (engines/chromium/)
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Paths are relative to the project folder, where electron-vite runs (the config is bundled
// before it is loaded, so import.meta points elsewhere).
const root = process.cwd();

/**
 * The PyTorch engine's training program (Python, run by the person's own python3) goes beside
 * the bundle as out/main/torch/*.py; electron-builder keeps it unpacked, since python cannot
 * read inside an asar.
 */
function torchProgram(): Plugin {
  const dir = resolve(root, 'src/main/core/engines/torch');
  return {
    name: 'latent-lab-torch-program',
    generateBundle() {
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.py'))) {
        this.emitFile({ type: 'asset', fileName: `torch/${name}`, source: readFileSync(join(dir, name)) });
      }
    },
  };
}

const dawnModule = resolve(root, 'src/main/core/backends/webgpu.ts');

/**
 * Dawn's Node binding cannot run inside Electron (its V8 refuses the external ArrayBuffers
 * every mapped GPU buffer is handed out as), so the Electron build swaps the module that loads
 * it for a stand-in that says so: the bundle then holds no path to dawn.node at all.
 */
function noDawnInElectron(): Plugin {
  return {
    name: 'latent-lab:no-dawn-in-electron',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!/webgpu(\.js|\.ts)?$/.test(source) || !importer) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === dawnModule ? resolve(root, 'src/main/electron/no-dawn.ts') : null;
    },
  };
}

export default defineConfig({
  main: {
    plugins: [noDawnInElectron(), torchProgram()],
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
    // the trainer worker of "this browser's GPU" (lib/browser-trainer.ts) is an ES module
    worker: { format: 'es' },
    build: {
      rolldownOptions: {
        // trainer.html: the page that trains on Chromium's WebGPU (engines/chromium/), no UI
        input: { index: resolve(root, 'src/renderer/index.html'), trainer: resolve(root, 'src/renderer/trainer.html') },
      },
    },
  },
});
