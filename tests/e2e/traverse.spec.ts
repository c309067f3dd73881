// The traversal tab: every active dimension as a row, its range from the prior or from the
// encoded test images; the sweep offered the same data ranges and principal axes; a row animated; attribute vectors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { readAnimation } from '../../src/main/core/export/animation';
import { readPngText } from '../../src/main/core/export/png';
import { addMnist, canvasHash, launchBrowser, screenshot, SCREENSHOTS, startApp, waitForCanvasChange } from './harness';
import { trainSmall } from './small-run';

let browser: Browser;
beforeAll(async () => void (browser = await launchBrowser()));
afterAll(() => browser?.close());

describe('traverse', () => {
  it('draws one row per dimension over the data ranges, and the sweep takes them too', async () => {
    const app = await startApp(browser, 'traverse');
    const { page } = app;
    try {
      await addMnist(page);
      await trainSmall(app);
      await page.getByTestId('tab-explore').click();
      await page.getByTestId('sweep-canvas').waitFor();
      const dims = (await app.service['explore:dims']({ runId: 1, level: 1 })).activeUnits;

      await page.getByTestId('explore-tab-traverse').click();
      await page.locator('[data-testid="traverse-grid"][data-cols="10"]').waitFor();
      const prior = await canvasHash(page, 'traverse-grid');
      expect(await page.getByTestId('traverse-grid').getAttribute('data-rows')).toBe(String(dims));
      await page.getByTestId('traverse-range-sd2').click();
      await waitForCanvasChange(page, 'traverse-grid', prior);
      await page.getByTestId('traverse-grid').scrollIntoViewIfNeeded();
      await screenshot(page, 'traverse-sd2');
      await page.setViewportSize({ width: 1024, height: 700 });
      await screenshot(page, 'traverse-sd2-1024');
      await page.setViewportSize({ width: 1440, height: 900 });

      // exported with its labels drawn in: the rows' dims and ranges beside the grid
      await page.getByTestId('traverse-tab').getByRole('button', { name: 'Export PNG' }).click();
      await page.getByTestId('export-labels').check();
      const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-save').click()]);
      await png.saveAs(join(app.dataDir, 'traverse.png'));
      const labelled = readFileSync(join(app.dataDir, 'traverse.png'));
      expect(JSON.parse(readPngText(labelled)['latent-lab:labels']!).x).toBeGreaterThan(40);
      await sharp(labelled).toFile(join(SCREENSHOTS, 'traverse-export-labelled.png'));

      // a row as an animation: the dialog offers one walk per row
      await page.getByTestId('traverse-animate').click();
      expect(await page.getByTestId('animate-walk').locator('option').count()).toBe(dims);
      await page.getByTestId('animate-steps').fill('8');
      const [gif] = await Promise.all([page.waitForEvent('download'), page.getByTestId('animate-save').click()]);
      const file = join(app.dataDir, 'row.gif');
      await gif.saveAs(file);
      expect(readAnimation(readFileSync(file)).frames).toBe(14);

      // the sweep's range from the codes: each axis over its own dim's min..max
      await page.getByTestId('view-explore').evaluate((el) => el.scrollTo(0, 0));
      const sweep = await canvasHash(page, 'sweep-canvas');
      await page.getByTestId('sweep-range-from-minmax').click();
      await waitForCanvasChange(page, 'sweep-canvas', sweep);
      expect(await page.getByTestId('sweep-range').isDisabled()).toBe(true);
      await screenshot(page, 'sweep-minmax');

      // the sweep along principal components: PC1 and PC2, named with their share of the variance
      const minmax = await canvasHash(page, 'sweep-canvas');
      await page.getByTestId('sweep-axes-pca').click();
      await waitForCanvasChange(page, 'sweep-canvas', minmax);
      await expect.poll(() => page.getByTestId('explore').textContent()).toMatch(/PC1 · \d+% →/);
      // the other components have sliders: PC3 moved, the grid redraws
      const pca = await canvasHash(page, 'sweep-canvas');
      await page.locator('#pc-2').fill('2');
      await waitForCanvasChange(page, 'sweep-canvas', pca);
      await screenshot(page, 'sweep-pca');

      // attribute vectors: an image's code moved from the mean 3 towards the mean 8
      await page.getByTestId('explore-tab-attr').click();
      await page.locator('[data-testid="attr-strip"][data-cols="6"]').waitFor();
      const strip = await canvasHash(page, 'attr-strip');
      await page.getByTestId('attr-amount').fill('2');
      await waitForCanvasChange(page, 'attr-strip', strip);
      expect(await page.getByTestId('attr-note').textContent()).toMatch(/mean codes of \d+ test images of 3 and \d+ of 8/);
      await page.getByTestId('attr-strip').scrollIntoViewIfNeeded();
      await screenshot(page, 'attribute');
      await page.setViewportSize({ width: 1024, height: 700 });
      await page.getByTestId('attr-strip').scrollIntoViewIfNeeded();
      await screenshot(page, 'attribute-1024');
      expect(app.pageErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
