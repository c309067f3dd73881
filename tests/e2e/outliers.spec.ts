// The Evaluate tab's outliers on a real MNIST VAE, now that explore:outliers is a job in a
// worker thread: the button shows the ranking, then the worst-explained test images and their
// scores, and the app answers meanwhile.
import { describe, expect, it } from 'vitest';
import { useBrowser } from './fixtures';
import { addMnist, screenshot } from './harness';
import { trainSmall } from './small-run';

const { withApp } = useBrowser();

describe('the Evaluate tab: outliers', () => {
  it('ranks the test images and draws the worst ones with their scores', () =>
    withApp('outliers', async (app, page) => {
      await addMnist(page);
      await trainSmall(app);
      await page.getByTestId('tab-explore').click();
      await page.getByTestId('sweep-canvas').waitFor();
      await page.getByTestId('explore-tab-eval').click();
      await page.getByTestId('outliers-run').click();
      await page.getByTestId('outliers-grid').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('outliers-run').textContent()).toBe('Find outliers');
      const scores = (await page.getByTestId('eval-tab').textContent()) ?? '';
      const shown = /scores \(nats\): ([\d., …]+)/.exec(scores)?.[1] ?? '';
      const values = shown
        .split(',')
        .map((s) => Number(s.trim().replace('…', '')))
        .filter((v) => !Number.isNaN(v) && v > 0);
      expect(values.length).toBe(16);
      for (let i = 1; i < values.length; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
      await screenshot(page, 'explore-outliers');
    }));
});
