// The class regions of a CVAE with a learned prior on the scatter: for form 4 (CMMA: only the
// prior p(z|y) sees the label) and form 1, each class's p(z|y) is drawn over the encoded test
// codes as a 2-sd ellipse and a cross at its mean in the class's colour, on raw dims and on
// PC1 x PC2, inside the fitted axes, and a checkbox takes them away again.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { labelColor } from '../../src/renderer/src/lib/format';
import { call, train, useBrowser } from './fixtures';
import { addMnist, screenshot } from './harness';

const { withApp } = useBrowser();

const pair = (s: string | null): [number, number] => {
  const [a, b] = (s ?? '').split(',').map(Number);
  return [a!, b!];
};

/** per class 0..9: the canvas's pixels in that class's opaque colour (the points are drawn at 0.7 alpha) */
async function opaqueClassPixels(page: Page): Promise<number[]> {
  const colours = Array.from({ length: 10 }, (_, c) => {
    const v = parseInt(labelColor(c, 10).slice(1), 16);
    return [v >> 16, (v >> 8) & 255, v & 255];
  });
  return page.getByTestId('scatter-canvas').evaluate((c: HTMLCanvasElement, cols: number[][]) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const counts = cols.map(() => 0);
    for (let i = 0; i < d.length; i += 4)
      cols.forEach(([r, g, b], k) => {
        if (Math.abs(d[i]! - r!) + Math.abs(d[i + 1]! - g!) + Math.abs(d[i + 2]! - b!) <= 6 && d[i + 3]! === 255) counts[k]!++;
      });
    return counts;
  }, colours);
}

/** The page at 1440x900 and 1024x700 with the whole plot scrolled into view at each. */
async function plotShots(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1440, 900],
    [1024, 700],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.getByTestId('scatter-canvas').evaluate((c) => c.scrollIntoView({ block: 'end' }));
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe('class priors on the scatter', () => {
  it("draws every class's p(z|y) of a form-4 and a form-1 CVAE over the codes, on dims and PCA, inside the axes", () =>
    withApp('class-priors', async (app, page) => {
      await addMnist(page);
      const datasetId = (await call(app, 'datasets:list', {}))[0]!.id;
      // a fast learning rate: Adam moves each prior mean by about lr a step, and the regions should part
      const common = { model: 'cvae', latent: 2, hidden: [128], epochs: 4, batch: 100, limit: 6000, lr: 0.01 } as const;
      const form1 = await train(app, datasetId, { ...common, hidden: [...common.hidden], form: 1 });
      const form4 = await train(app, datasetId, { ...common, hidden: [...common.hidden], form: 4 });
      // names the sidebar tells apart (both would be "cvae-2 · MNIST digits")
      await call(app, 'runs:rename', { runId: form1.runId, name: 'form1-learned' });
      await call(app, 'runs:rename', { runId: form4.runId, name: 'form4-cmma' });
      await page.reload();
      await page.getByTestId('sidebar-run').nth(0).waitFor();

      for (const run of [form1, form4]) {
        const info = await call(app, 'runs:get', { runId: run.runId });
        await page.getByTestId('sidebar-run').filter({ hasText: info.name }).click();
        await page.getByTestId('explore-tab-scatter').click();
        const canvas = page.locator(
          `[data-testid="scatter-canvas"][data-projection="dims"][data-run="${run.runId}"]:not([data-points="0"])`,
        );
        await canvas.waitFor();
        await expect.poll(() => canvas.getAttribute('data-priors')).toBe('10');

        // the service's regions on the pair the page shows: every ellipse inside the fitted axes
        const dims = pair(await canvas.getAttribute('data-dims'));
        const s = await call(app, 'explore:scatter', { runId: run.runId, dims, limit: 2000 });
        expect(s.classPriors).toHaveLength(10);
        const [x0, x1] = pair(await canvas.getAttribute('data-x-range'));
        const [y0, y1] = pair(await canvas.getAttribute('data-y-range'));
        for (const g of s.classPriors!) {
          expect(g.cov[1]).toBe(0); // two raw dims of a diagonal Gaussian
          expect(g.mean[0] - 2 * Math.sqrt(g.cov[0])).toBeGreaterThanOrEqual(x0);
          expect(g.mean[0] + 2 * Math.sqrt(g.cov[0])).toBeLessThanOrEqual(x1);
          expect(g.mean[1] - 2 * Math.sqrt(g.cov[2])).toBeGreaterThanOrEqual(y0);
          expect(g.mean[1] + 2 * Math.sqrt(g.cov[2])).toBeLessThanOrEqual(y1);
        }

        // drawn in each class's own colour: the checkbox off takes every class's ring away
        const on = await opaqueClassPixels(page);
        await page.getByTestId('scatter-priors-toggle').locator('input').uncheck();
        await expect.poll(() => canvas.getAttribute('data-priors'), { timeout: 5000 }).toBe('0');
        const off = await opaqueClassPixels(page);
        console.log(
          `${info.name} (form ${info.config.form}): opaque class pixels with the priors ${on.join(' ')}, without ${off.join(' ')}`,
        );
        for (let c = 0; c < 10; c++) expect(on[c]! - off[c]!, `class ${c}`).toBeGreaterThan(40);
        await page.getByTestId('scatter-priors-toggle').locator('input').check();
        await expect.poll(() => canvas.getAttribute('data-priors')).toBe('10');
      }
      await plotShots(page, 'explore-scatter-class-priors');

      // PC1 x PC2: the regions projected (a rotated ellipse has a covariance across the axes)
      await page.getByTestId('scatter-projection-pca').click();
      await page.locator('[data-testid="scatter-canvas"][data-projection="pca"][data-priors="10"]').waitFor();
      const pca = await call(app, 'explore:scatter', { runId: form4.runId, projection: 'pca', limit: 2000 });
      expect(pca.classPriors!.some((g) => Math.abs(g.cov[1]) > 1e-6)).toBe(true);
      await plotShots(page, 'explore-scatter-class-priors-pca');
    }));
});
