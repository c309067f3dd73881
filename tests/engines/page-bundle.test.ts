// The trainer that runs in a browser (the page, and a tab's dedicated worker) shares the model,
// step and epoch code with Node. A Node module reached from that code does not fail the Vite
// build (it is stubbed for the browser) but the page then dies at load, and a training waits
// 60 s for a page that never connects. So: both entries bundle for the browser with nothing of
// Node's, and the error names the file that brought it in.
import { build } from 'esbuild';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const page = join(root, 'src/main/core/engines/chromium/page');

describe("the browser trainer's bundle", () => {
  it('reaches no Node module from the page or the worker', async () => {
    const result = await build({
      entryPoints: [join(page, 'main.ts'), join(page, 'worker.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      outdir: join(root, 'tests/.tmp/page-bundle'),
      logLevel: 'silent',
    }).catch((err: { errors?: { text: string; location?: { file: string } | null }[] }) => err);
    const errors = ('errors' in result ? (result.errors ?? []) : []).map((e) => `${e.location?.file ?? '?'}: ${e.text}`);
    expect(errors).toEqual([]);
  });
});
