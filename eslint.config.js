// Lint: typescript-eslint and eslint-plugin-svelte recommended sets, plus the layering the
// architecture depends on, in one place: core and the contract never import electron, the
// contract imports nothing of Node, main or the renderer, the renderer reaches main only
// through the contract, the core never reaches up into a door, and src/main has no import
// cycle (type imports count: a cycle of types is a knot a newcomer must untie all the same).
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'tests/.tmp/', 'bench/.tmp/', '.scratch-ml/', 'tests/electron/electron-stub/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src/main/core/**', 'src/shared/**'],
    rules: {
      // core runs in plain Node (CLI, server, tests): Electron stays in the doors
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'core and shared code never import electron' }] }],
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      // the renderer bundles the contract: nothing of Node in it
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'fs', 'path', 'os', 'crypto'].map((name) => ({ name, message: 'the contract is bundled by the renderer' })),
          patterns: [{ group: ['node:*'], message: 'the contract is bundled by the renderer: no node:* modules' }],
        },
      ],
    },
  },
  {
    files: ['src/renderer/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the renderer reaches the main process only through the contract' }],
          patterns: [{ group: ['node:*'], message: 'the renderer runs in a browser' }],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.node.json', 'tsconfig.web.json'], noWarnOnMultipleProjects: true })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './src/shared', from: ['./src/main', './src/renderer', './src/preload'], message: 'the contract imports nothing from main or the renderer' },
            { target: './src/renderer/src', from: ['./src/main', './src/preload'], message: 'the renderer reaches the main process only through the contract' },
            {
              target: './src/main/core',
              from: ['./src/main/index.ts', './src/main/server.ts', './src/main/cli', './src/main/cli.ts', './src/main/electron', './src/main/dispatch.ts', './src/preload'],
              message: 'the core is below the doors: it never imports one',
            },
          ],
        },
      ],
    },
  },
);
