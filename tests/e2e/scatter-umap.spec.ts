// The scatter's projections on a real MNIST VAE: PCA, then UMAP (progress first, computed in the
// service's worker thread, then the points, the same layout again for the same seed), and a
// click on a point that makes that image the sweep's base.
import { describe, expect, it } from 'vitest';
import { call, useBrowser } from './fixtures';
import { addMnist, screenshot } from './harness';
import { trainSmall } from './small-run';

const { withApp } = useBrowser();

const pair = (s: string | null): [number, number] => {
  const [a, b] = (s ?? '').split(',').map(Number);
  return [a!, b!];
};

describe('the scatter: PCA and UMAP', () => {
  it('switches to UMAP, shows its progress and then the points, and a clicked point becomes the sweep base', () =>
    withApp('scatter-umap', async (app, page) => {
      await addMnist(page);
      await trainSmall(app);
      await page.getByTestId('tab-explore').click();
      await page.getByTestId('sweep-canvas').waitFor();
      await page.getByTestId('explore-tab-scatter').click();
      const canvas = page.getByTestId('scatter-canvas');
      await page.locator('[data-testid="scatter-canvas"][data-projection="dims"]:not([data-points="0"])').waitFor();

      // PCA: the principal components, named with their share of the variance
      await page.getByTestId('scatter-projection-pca').click();
      await page.locator('[data-testid="scatter-canvas"][data-projection="pca"]').waitFor();
      await expect.poll(() => page.getByTestId('scatter-caption').textContent()).toMatch(/PC1 · \d+%/);

      // UMAP: the progress of the job first (the service is free meanwhile), then the points
      await page.getByTestId('scatter-projection-umap').click();
      const progress = page.getByTestId('scatter-progress');
      await progress.waitFor();
      await expect.poll(async () => Number(await progress.getAttribute('data-done')), { timeout: 60_000 }).toBeGreaterThan(0);
      expect(Number(await progress.getAttribute('data-total'))).toBe(500);
      // meanwhile the PCA plot is still drawn: faded, and the caption says it is the previous one
      expect(await page.getByTestId('scatter-caption').getAttribute('data-stale')).toBe('true');
      expect(await page.getByTestId('scatter-caption').textContent()).toMatch(
        /Laying out the codes by UMAP…\s*The faded plot below is the previous one/,
      );
      await screenshot(page, 'explore-scatter-umap-progress');
      // the layout computes in a worker thread: the service answers meanwhile
      const t1 = Date.now();
      await call(app, 'explore:encode', { runId: 1, index: 0 });
      const answered = Date.now() - t1;
      expect(answered).toBeLessThan(5000);
      const done = page.locator('[data-testid="scatter-canvas"][data-projection="umap"][data-points="2000"]');
      await done.waitFor({ timeout: 120_000 });
      expect(await progress.count()).toBe(0);
      expect(await page.getByTestId('scatter-caption').getAttribute('data-stale')).toBe('false');
      const caption = (await page.getByTestId('scatter-caption').textContent()) ?? '';
      console.log(`scatter-umap: ${caption.trim()}; explore:encode answered in ${answered} ms while it computed`);
      expect(caption).toMatch(/UMAP \(seed 0\), 2,000 points, in [\d.]+ s/);

      // the same run and seed give the same layout (kept, so at once)
      const t0 = Date.now();
      const layout = await call(app, 'explore:scatter', { runId: 1, limit: 2000, projection: 'umap', seed: 0 });
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(layout.seconds).toBe(0);
      expect(layout.axisNames).toEqual(['UMAP 1', 'UMAP 2']);

      // a point far from its neighbours on screen, so the click hits it alone
      const [x0, x1] = pair(await canvas.getAttribute('data-x-range'));
      const [y0, y1] = pair(await canvas.getAttribute('data-y-range'));
      const [l, t, r, b] = ((await canvas.getAttribute('data-area')) ?? '').split(',').map(Number) as [number, number, number, number];
      const px = layout.x.map((x) => l + ((x - x0) / (x1 - x0)) * (r - l));
      const py = layout.y.map((y) => b - ((y - y0) / (y1 - y0)) * (b - t));
      let best = 0;
      let bestGap = -1;
      for (let i = 0; i < px.length; i++) {
        let gap = Infinity;
        for (let j = 0; j < px.length; j++) if (j !== i) gap = Math.min(gap, Math.hypot(px[i]! - px[j]!, py[i]! - py[j]!));
        if (gap > bestGap) [best, bestGap] = [i, gap];
      }
      expect(bestGap).toBeGreaterThan(3);
      const index = layout.indices[best]!;
      await canvas.scrollIntoViewIfNeeded();
      await canvas.click({ position: { x: px[best]!, y: py[best]! } });

      // the sweep's base is that image: its pins are the image's code
      await page.locator(`[data-testid="scatter-canvas"][data-base="${index}"]`).waitFor();
      await page.getByText(`pinned at image #${index}’s code`).waitFor();
      const code = await call(app, 'explore:encode', { runId: 1, index });
      const swept = pair(await canvas.getAttribute('data-dims'));
      const other = code.mu.findIndex((_, d) => !swept.includes(d));
      await expect.poll(async () => Number(await page.getByTestId(`pin-${other}`).inputValue())).toBeCloseTo(code.mu[other]!, 1);
      await screenshot(page, 'explore-scatter-umap');
      await page.setViewportSize({ width: 1024, height: 700 });
      await canvas.scrollIntoViewIfNeeded();
      await screenshot(page, 'explore-scatter-umap-1024');
    }));
});
