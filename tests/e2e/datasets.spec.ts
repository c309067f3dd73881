// Importing through the UI: the faces folder (400 images, 40 labels) and a folder with bad
// files, whose skipped files must be listed with their reasons.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTrainingThreads } from '../../src/main/core/train/threads';
import { FACES, launchBrowser, screenshot, startApp } from './harness';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('start-up', () => {
  it('shows a page that says what to do when the server refuses the token', async () => {
    const app = await startApp(browser, 'token');
    const { page } = app;
    try {
      await page.goto(app.server.url.replace(/token=[0-9a-f]+/, 'token=wrong'));
      const errorPage = page.getByTestId('startup-error');
      await errorPage.waitFor();
      expect(await errorPage.textContent()).toMatch(/could not connect.*token/i);
      await screenshot(page, 'startup-error');
    } finally {
      await app.close();
    }
  });
});

describe('backend badge', () => {
  it('names what trains (wasm with a thread per core here) and what would be faster, with what each needs', async () => {
    const app = await startApp(browser, 'badge');
    const { page } = app;
    try {
      await page.goto(app.server.url);
      const badge = page.getByTestId('backend-badge');
      await badge.waitFor();
      const n = defaultTrainingThreads();
      expect(await badge.textContent()).toContain(`wasm · SIMD · ${n} thread${n === 1 ? '' : 's'}`);
      await badge.click();
      const faster = page.getByTestId('backend-faster');
      await faster.waitFor();
      const text = (await faster.textContent()) ?? '';
      expect(text).toMatch(/tfjs-node-gpu.*CUDA 11\.2 and cuDNN 8\.1.*Not used here/s);
      expect(text).toMatch(/webgpu.*Vulkan, Metal or Direct3D 12.*Not used here: (only a software adapter|Dawn found no GPU adapter)/s);
      expect(text).toMatch(/tfjs-node\b.*internet at install/s);
      await screenshot(page, 'backend-badge');
    } finally {
      await app.close();
    }
  });
});

describe('datasets', () => {
  it.skipIf(!existsSync(FACES))(
    `imports the AT&T faces through the UI: 400 images, 40 labels${existsSync(FACES) ? '' : ` (skipped: ${FACES} is absent)`}`,
    async () => {
      const app = await startApp(browser, 'faces');
      const { page } = app;
      try {
        await page.getByTestId('datasets-empty').waitFor();
        await screenshot(page, 'datasets-empty');
        await page.getByTestId('empty-import').click();
        await page.getByTestId('import-path').fill(FACES);
        // the probe's first look fills the defaults
        await page.getByTestId('import-probe').filter({ hasText: '400 images' }).waitFor();
        await expect.poll(() => page.getByTestId('import-probe').textContent()).toMatch(/all gray.*40 labels/);
        expect(await page.getByTestId('import-side').inputValue()).toBe('64');
        await screenshot(page, 'import-sheet');
        await page.getByTestId('import-start').click();
        await page.getByTestId('import-sheet').waitFor({ state: 'detached' });
        await page.getByTestId('dataset-page').waitFor();
        expect(await page.getByTestId('dataset-name').textContent()).toBe('att-faces');
        expect(await page.getByTestId('dataset-count').textContent()).toBe('400 images');
        expect(await page.getByTestId('dataset-labels').textContent()).toBe('40 labels');
        expect(await page.getByTestId('label-chip').count()).toBe(40);
        await page.getByTestId('dataset-range').filter({ hasText: '1–200 of 400' }).waitFor();
        // a label chip filters the thumbnails to that person's 10 pictures
        await page.getByTestId('label-chip').filter({ hasText: /^s7 / }).click();
        await page.getByTestId('dataset-range').filter({ hasText: '1–10 of 10' }).waitFor();
        await screenshot(page, 'dataset-faces');
        expect(app.pageErrors).toEqual([]);
      } finally {
        await app.close();
      }
    },
  );

  it('shows the files a bad folder skipped, with their reasons', async () => {
    const app = await startApp(browser, 'bad');
    const { page } = app;
    const folder = join(app.dataDir, 'source');
    try {
      for (const label of ['cats', 'dogs']) {
        mkdirSync(join(folder, label), { recursive: true });
        for (let i = 0; i < 4; i++) {
          const png = await sharp({
            create: { width: 20, height: 20, channels: 3, background: { r: 60 * i, g: label === 'cats' ? 200 : 40, b: 90 } },
          })
            .png()
            .toBuffer();
          writeFileSync(join(folder, label, `${i}.png`), png);
        }
      }
      const good = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#808080' } })
        .png()
        .toBuffer();
      writeFileSync(join(folder, 'cats', 'corrupt.png'), good.subarray(0, 40)); // truncated after the header
      writeFileSync(join(folder, 'dogs', 'notes.txt'), 'not an image at all\n');
      writeFileSync(join(folder, 'dogs', 'empty.png'), Buffer.alloc(0));

      await page.getByTestId('empty-import').click();
      await page.getByTestId('import-path').fill(folder);
      await page.getByTestId('import-probe').filter({ hasText: 'images' }).waitFor();
      await page.getByTestId('import-start').click();
      await page.getByTestId('dataset-page').waitFor();
      expect(await page.getByTestId('dataset-count').textContent()).toBe('8 images');
      const link = page.getByTestId('skipped-link');
      await expect.poll(() => link.textContent()).toMatch(/^[23] files skipped$/);
      await link.click();
      await page.getByTestId('skipped-table').waitFor();
      const rows = page.getByTestId('skipped-row');
      const n = await rows.count();
      expect(n).toBeGreaterThanOrEqual(2);
      const text = (await page.getByTestId('skipped-table').textContent()) ?? '';
      expect(text).toContain('corrupt.png');
      expect(text).toContain('empty.png');
      await screenshot(page, 'skipped-files');
      expect(app.pageErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
