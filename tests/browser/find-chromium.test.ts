// Which Chromium the tests and pages get: the one named in LATENT_LAB_CHROMIUM first, a clear
// refusal where it names nothing, and otherwise a real binary that answers --version and opens a
// loopback page with a WebGPU adapter. Runs the real binary: no browser is mocked.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumArgs, CHROMIUM_ENV, findChromium } from '../../src/main/core/browser/find-chromium';

const saved = process.env[CHROMIUM_ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[CHROMIUM_ENV];
  else process.env[CHROMIUM_ENV] = saved;
});

describe('findChromium', () => {
  it('takes LATENT_LAB_CHROMIUM first, with the version it prints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-chromium-'));
    try {
      const fake = join(dir, 'my-chrome');
      writeFileSync(fake, '#!/bin/sh\necho "Chromium 999.1.2.3"\n');
      chmodSync(fake, 0o755);
      process.env[CHROMIUM_ENV] = fake;
      expect(await findChromium()).toEqual({ path: fake, source: 'env', version: '999.1.2.3' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a LATENT_LAB_CHROMIUM that names no file, naming the variable', async () => {
    process.env[CHROMIUM_ENV] = '/nowhere/chromium';
    await expect(findChromium()).rejects.toThrow(/LATENT_LAB_CHROMIUM=\/nowhere\/chromium: no such file/);
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'finds a Chromium with nothing installed by hand, and its loopback page gets a WebGPU adapter',
    async () => {
      delete process.env[CHROMIUM_ENV];
      const found = await findChromium();
      expect(found).not.toBeNull();
      expect(found!.version).toMatch(/^\d+\./);
      const server = createServer((_q, r) => r.end('<!doctype html><title>t</title>'));
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const browser = await chromium.launch({ executablePath: found!.path, args: chromiumArgs(found!.source) });
      try {
        const page = await browser.newPage();
        const { port } = server.address() as { port: number };
        await page.goto(`http://127.0.0.1:${port}/`);
        const adapter = await page.evaluate(async () => {
          const a = await navigator.gpu?.requestAdapter();
          return a ? { architecture: a.info.architecture, device: !!(await a.requestDevice()) } : null;
        });
        // the npm build brings SwiftShader; a system Chromium may find a real GPU instead
        expect(adapter?.device).toBe(true);
        if (found!.source === 'npm') expect(adapter?.architecture).toBe('swiftshader');
      } finally {
        await browser.close();
        server.close();
      }
    },
  );
});
