// Getting around: the place in the app lives in the URL hash, so a reload keeps the view, the
// run and the Explore tab (and the dataset on the Datasets page).
import { describe, expect, it } from 'vitest';
import { objectDataset, train, useBrowser } from './fixtures';
import { screenshot } from './harness';

const { withApp } = useBrowser();

describe('navigation', () => {
  it('keeps the view, run, dataset and Explore tab across a reload', () =>
    withApp('place', async (app, page) => {
      const a = await objectDataset(app, 'objects', 6, 3);
      const b = await objectDataset(app, 'others', 5, 3);
      await train(app, a, { model: 'ae', latent: 2, hidden: [16], epochs: 1, batch: 16 });
      const second = await train(app, b, { model: 'vae', latent: 2, hidden: [16], epochs: 1, batch: 16 });
      await page.reload();

      // the Datasets page of the second dataset
      await page.getByTestId('sidebar-dataset').filter({ hasText: 'others' }).click();
      await page.getByTestId('dataset-name').filter({ hasText: 'others' }).waitFor();
      await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#datasets?dataset=${b}`);
      await page.reload();
      await page.getByTestId('dataset-name').filter({ hasText: 'others' }).waitFor();

      // Explore, the second run, the Scatter tab
      await page.getByTestId('tab-explore').click();
      await page.getByTestId('explore-run').selectOption(String(second.runId));
      await page.getByTestId('explore-tab-scatter').click();
      await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#explore?run=${second.runId}&tab=scatter`);
      const token = new URL(page.url()).searchParams.get('token');
      await page.reload();
      await page.getByTestId('view-explore').waitFor();
      expect(await page.getByTestId('explore-run').inputValue()).toBe(String(second.runId));
      expect(await page.getByTestId('explore-tab-scatter').getAttribute('aria-selected')).toBe('true');
      // the token stays in the address beside the hash
      expect(new URL(page.url()).searchParams.get('token')).toBe(token);
      await screenshot(page, 'place-explore-reloaded-1440');
      await page.setViewportSize({ width: 1024, height: 700 });
      await screenshot(page, 'place-explore-reloaded-1024');
      await page.setViewportSize({ width: 1440, height: 900 });

      // the Runs view, and a hand-edited hash moves the app
      await page.getByTestId('tab-runs').click();
      await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#runs?run=${second.runId}`);
      await page.evaluate(() => (location.hash = '#train'));
      await page.getByTestId('view-train').waitFor();
      await page.reload();
      await page.getByTestId('view-train').waitFor();
    }));
});
