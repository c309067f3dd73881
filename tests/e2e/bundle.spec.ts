// Run bundles from the UI: export a trained run from one data folder, import it into a fresh
// one from the empty Explore view, and explore it there without its images.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMnist, launchBrowser, screenshot, startApp } from './harness';
import { trainSmall } from './small-run';

let browser: Browser;
beforeAll(async () => void (browser = await launchBrowser()));
afterAll(() => browser?.close());

describe('run bundles', () => {
  it('exports a run from one data folder and explores it in a fresh one', async () => {
    const from = await startApp(browser, 'bundle-from');
    const to = await startApp(browser, 'bundle-to');
    try {
      await addMnist(from.page);
      await trainSmall(from);
      await from.page.getByTestId('tab-explore').click();
      await from.page.getByTestId('sweep-canvas').waitFor();
      const [download] = await Promise.all([from.page.waitForEvent('download'), from.page.getByTestId('run-export').click()]);
      expect(download.suggestedFilename()).toMatch(/\.llrun$/);
      const file = join(to.dataDir, 'run.llrun');
      await download.saveAs(file);

      // the fresh folder: nothing to explore, but a bundle can come in
      const { page } = to;
      await page.getByTestId('tab-explore').click();
      await page.getByTestId('explore-empty').waitFor();
      await page.getByTestId('run-import-file').setInputFiles(file);
      await page.getByTestId('sweep-canvas').waitFor();
      expect(await page.getByTestId('sweep-canvas').getAttribute('data-cols')).toBe('16');
      expect(await page.getByTestId('explore-run').locator('option').first().textContent()).toMatch(/vae-4 · MNIST digits/);
      // what needs the images says so; the samples do not need them
      await page.getByTestId('explore-no-images').waitFor();
      expect(await page.getByTestId('explore-no-images').textContent()).toMatch(
        /came in a bundle without its images: reconstructions need/,
      );
      await screenshot(page, 'bundle-imported');
      await page.setViewportSize({ width: 1024, height: 700 });
      await screenshot(page, 'bundle-imported-1024');
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.getByTestId('explore-tab-samples').click();
      await page.getByTestId('samples-grid').waitFor();
      await page.getByTestId('samples-grid').scrollIntoViewIfNeeded();
      await screenshot(page, 'bundle-samples');
      // its dataset: the shape and the labels, no images
      await page.getByTestId('sidebar-dataset').click();
      await page.getByTestId('dataset-page').waitFor();
      expect(await page.getByTestId('dataset-bundle-note').textContent()).toMatch(/came with a run bundle/);
      expect(await page.getByTestId('dataset-train').isDisabled()).toBe(true);
      expect(await page.getByTestId('dataset-page').textContent()).toMatch(/bundle: run\.llrun/);
      await screenshot(page, 'bundle-dataset');
      const runs = await to.service['runs:list']({});
      expect(runs).toHaveLength(1);
      expect(runs[0]!.epochsDone).toBe(2);
      expect(from.pageErrors).toEqual([]);
      expect(to.pageErrors).toEqual([]);
    } finally {
      await from.close();
      await to.close();
    }
  });
});
