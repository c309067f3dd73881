import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Three projects: unit/integration tests in plain Node, the renderer's rune modules, and the
// e2e tests that drive Chromium against browser mode. `npm test` runs them all.
export default defineConfig({
  test: {
    // Two files at a time on the 2-core box CI runs on (e2e files still one at a time, among
    // themselves): many files wait on processes, sockets and disks more than on a core. One at a
    // time the suite took 788 s of vitest; two, 614 s, every test passing (2026-12-07).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**', 'tests/renderer/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        // Rune modules (*.svelte.ts) need the svelte compiler. Test the client output the app
        // ships, with svelte's browser runtime: in Node the plugin would emit the server output.
        plugins: [svelte({ configFile: false, dynamicCompileOptions: () => ({ generate: 'client' }) })],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'renderer',
          include: ['tests/renderer/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.spec.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
