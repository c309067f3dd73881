#!/usr/bin/env node
// The `latent-lab` command: runs the TypeScript CLI through tsx (a dependency), so the
// same source serves `npx latent-lab`, `npm run cli` and the tests.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli.ts');
