// Lint: typescript-eslint and eslint-plugin-svelte recommended sets, plus the layering rule
// the architecture depends on (core and the contract never import electron).
import js from '@eslint/js';
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
);
