// Animated walks from the UI: walk over the sweep, export the walk as a GIF (its frames
// counted after download), then a looping A -> B -> C interpolation as a WebP.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAnimation } from '../../src/main/core/export/animation';
import { addMnist, launchBrowser, screenshot, startApp } from './harness';
import { trainSmall } from './small-run';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('animate', () => {
  it('exports the walk over the sweep as a GIF and an A -> B -> C loop as a WebP', async () => {
    const app = await startApp(browser, 'animate');
    const { page } = app;
    try {
      await addMnist(page);
      await trainSmall(app);
      await page.getByTestId('tab-explore').click();
      await page.getByTestId('sweep-canvas').waitFor();

      // walk: click three cells; the dialog then offers that path
      const box = (await page.getByTestId('sweep-canvas').boundingBox())!;
      for (const [fx, fy] of [
        [0.2, 0.2],
        [0.8, 0.3],
        [0.5, 0.8],
      ] as const) {
        await page.mouse.click(box.x + box.width * fx!, box.y + box.height * fy!);
      }
      await page.getByTestId('sweep-canvas-marker').waitFor();
      await page.getByTestId('animate-open').click();
      await page.getByTestId('animate-dialog').waitFor();
      // four points (the start and three cells), 3 legs back to the start at 6 steps: 4 * 5 = 20
      expect(await page.getByTestId('animate-walk').locator('option').first().textContent()).toMatch(
        /the path you clicked on the grid \(4 points\)/,
      );
      await page.getByTestId('animate-steps').fill('6');
      await page.getByTestId('animate-scale').fill('3');
      await expect.poll(() => page.getByTestId('animate-summary').textContent()).toMatch(/^\s*20 frames/);
      await page.getByTestId('animate-preview-btn').click();
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('[data-testid="animate-preview"]');
        return !!img && img.complete && img.naturalWidth > 0;
      });
      expect(await page.getByTestId('animate-preview').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(84);
      await screenshot(page, 'animate-dialog');
      await page.setViewportSize({ width: 1024, height: 700 });
      await screenshot(page, 'animate-dialog-1024');
      await page.setViewportSize({ width: 1440, height: 900 });
      const [gif] = await Promise.all([page.waitForEvent('download'), page.getByTestId('animate-save').click()]);
      expect(gif.suggestedFilename()).toMatch(/-walk\.gif$/);
      const gifFile = join(app.dataDir, 'walk.gif');
      await gif.saveAs(gifFile);
      const bytes = readFileSync(gifFile);
      const decoded = await sharp(bytes, { pages: -1 }).raw().toBuffer({ resolveWithObject: true });
      expect(decoded.info.pages).toBe(20);
      expect(decoded.info.pageHeight).toBe(84);
      const info = readAnimation(bytes);
      expect(info.frames).toBe(20);
      expect(JSON.parse(info.text['latent-lab:spec']!)).toMatchObject({ kind: 'path', steps: 6, loop: true });
      await page.getByTestId('animate-dialog').waitFor({ state: 'detached' });

      // Interpolate: A, B and a third image C, animated as a WebP loop
      await page.getByTestId('explore-tab-interp').click();
      await page.getByTestId('interp-strip').waitFor();
      await page.getByTestId('interp-third').check();
      const picker = page.getByTestId('interp-picker-grid');
      const cell = (await picker.boundingBox())!.width / 16;
      for (const k of [2, 7, 12]) await picker.click({ position: { x: cell * (k + 0.5), y: cell * 0.5 } });
      // three images also make White's analogy grid: A, B, C at three corners
      await page.locator('[data-testid="interp-analogy"][data-cols="7"]').waitFor();
      await page.getByTestId('interp-animate').click();
      await page.getByTestId('animate-dialog').waitFor();
      expect(await page.getByTestId('animate-dialog').textContent()).toMatch(/through the images #\d+ → #\d+ → #\d+/);
      await page.getByTestId('animate-format-webp').click();
      await page.getByTestId('animate-steps').fill('5');
      await expect.poll(() => page.getByTestId('animate-summary').textContent()).toMatch(/^\s*12 frames/);
      const [webp] = await Promise.all([page.waitForEvent('download'), page.getByTestId('animate-save').click()]);
      const webpFile = join(app.dataDir, 'abc.webp');
      await webp.saveAs(webpFile);
      const w = readAnimation(readFileSync(webpFile));
      expect(w).toMatchObject({ format: 'webp', frames: 12 });
      expect(JSON.parse(w.text['latent-lab:spec']!).images).toHaveLength(3);
      await page.getByTestId('interp-analogy').scrollIntoViewIfNeeded();
      await screenshot(page, 'animate-interp');
      expect(app.pageErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
