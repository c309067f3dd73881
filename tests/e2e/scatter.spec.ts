// The scatter on a real run: a 40-label object set (labels from the file names), an AE trained
// fast enough that its codes sit far from 0, outside the sweep's ±3 box. The axes must hold every point and the
// sweep's box, fitted (not a fixed ±3), the box must stay inside the plot, and a legend of 40
// labels must scroll.
import { describe, expect, it } from 'vitest';
import { call, objectDataset, train, useBrowser } from './fixtures';
import { screenshot, screenshotSizes } from './harness';

const { withApp } = useBrowser();

const range = (s: string | null): [number, number] => {
  const [a, b] = (s ?? '').split(',').map(Number);
  return [a!, b!];
};

const range4 = (s: string | null): [number, number, number, number] => (s ?? '').split(',').map(Number) as [number, number, number, number];

describe('the scatter', () => {
  it('fits its axes to the codes and the sweep box, keeps the box inside, and lists 40 labels in a scrolling legend', () =>
    withApp('scatter', async (app, page) => {
      const datasetId = await objectDataset(app, 'objects');
      const run = await train(app, datasetId, { model: 'ae', latent: 2, hidden: [32], epochs: 6, batch: 16, lr: 0.01 });
      await page.reload();
      await page.getByTestId('sidebar-run').first().click();
      await page.getByTestId('explore-tab-scatter').click();
      const canvas = page.locator('[data-testid="scatter-canvas"]:not([data-points="0"])');
      await canvas.waitFor();
      await expect.poll(() => canvas.getAttribute('data-x-range')).toMatch(/,/);
      // 80 test images, fewer than the default 2,000: the Points field says "all 80", not a blank
      const points = page.getByTestId('scatter-limit');
      expect(await points.evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.textContent ?? '')).toBe('all 80');
      // the codes on the pair the page shows, straight from the service
      const dims = range(await canvas.getAttribute('data-dims'));
      const codes = await call(app, 'explore:scatter', { runId: run.runId, dims, limit: 2000 });
      const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
      console.log(
        `scatter: ${codes.x.length} codes on z${dims[0]}, z${dims[1]}, mean (${mean(codes.x).toFixed(2)}, ${mean(codes.y).toFixed(2)})`,
      );
      const [x0, x1] = range(await canvas.getAttribute('data-x-range'));
      const [y0, y1] = range(await canvas.getAttribute('data-y-range'));
      // the case that went wrong: a cloud far from 0, beside the box rather than in it
      expect(Math.max(Math.abs(mean(codes.x)), Math.abs(mean(codes.y))), 'codes far from 0').toBeGreaterThan(3);
      // every code is on the plot ...
      for (let i = 0; i < codes.x.length; i++) {
        expect(codes.x[i]!).toBeGreaterThanOrEqual(x0);
        expect(codes.x[i]!).toBeLessThanOrEqual(x1);
        expect(codes.y[i]!).toBeGreaterThanOrEqual(y0);
        expect(codes.y[i]!).toBeLessThanOrEqual(y1);
      }
      // ... and so is the sweep's box (±3 around the zero base); the axes are fitted to both, with
      // no more room than chart.js's rounding to whole ticks adds
      const need = (v: number[]): number => Math.max(...v, 3) - Math.min(...v, -3);
      expect(Math.min(x0, y0)).toBeLessThanOrEqual(-3);
      expect(Math.max(x1, y1)).toBeGreaterThanOrEqual(3);
      // one axis is fitted tight; the other is widened so a unit is as long across as up (a square
      // sweep window stays square)
      expect(Math.min((x1 - x0) / need(codes.x), (y1 - y0) / need(codes.y))).toBeLessThan(1.5 + 1 / 6);
      const [l, t, r, b] = range4(await canvas.getAttribute('data-area'));
      expect((x1 - x0) / (r - l) / ((y1 - y0) / (b - t))).toBeCloseTo(1, 1);

      // hovering a point shows its image, not only its number
      await canvas.scrollIntoViewIfNeeded();
      const cb = (await canvas.boundingBox())!;
      await page.mouse.move(cb.x + l + ((codes.x[0]! - x0) / (x1 - x0)) * (r - l), cb.y + b - ((codes.y[0]! - y0) / (y1 - y0)) * (b - t));
      const hover = page.getByTestId('scatter-hover');
      await hover.locator('canvas').waitFor();
      expect(codes.indices).toContain(Number(await hover.getAttribute('data-index')));
      await screenshotSizes(page, 'explore-scatter-hover');
      await page.mouse.move(cb.x + 2, cb.y + 2);
      await hover.waitFor({ state: 'detached' });
      expect(y1 - y0).toBeLessThan(need(codes.y) * 1.5 + 1);

      // the box is drawn in the accent colour and nowhere outside the plot area
      const outside = await canvas.evaluate((c: HTMLCanvasElement) => {
        const [l, t, r, b] = (c.dataset.area ?? '').split(',').map(Number) as [number, number, number, number];
        const k = c.width / c.clientWidth;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const accent = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim();
        const m = /^#([0-9a-f]{6})$/i.exec(accent);
        const [ar, ag, ab] = m ? [0, 2, 4].map((i) => parseInt(m[1]!.slice(i, i + 2), 16)) : [91, 91, 214];
        let inside = 0;
        let out = 0;
        for (let y = 0; y < c.height; y++)
          for (let x = 0; x < c.width; x++) {
            const i = (y * c.width + x) * 4;
            if (Math.abs(d[i]! - ar!) + Math.abs(d[i + 1]! - ag!) + Math.abs(d[i + 2]! - ab!) > 30 || d[i + 3]! < 200) continue;
            const inArea = x >= (l - 1) * k && x <= (r + 1) * k && y >= (t - 1) * k && y <= (b + 1) * k;
            if (inArea) inside++;
            else out++;
          }
        return { inside, out };
      });
      expect(outside.inside).toBeGreaterThan(20);
      expect(outside.out).toBe(0);

      // 40 labels: all listed, in a legend that scrolls instead of spilling
      const legend = page.getByTestId('scatter-legend');
      expect(await legend.locator('li').count()).toBe(40);
      const scroll = await legend.evaluate((el) => ({
        sh: el.scrollHeight,
        ch: el.clientHeight,
        overflow: getComputedStyle(el).overflowY,
      }));
      expect(scroll.sh).toBeGreaterThan(scroll.ch);
      expect(scroll.overflow).toBe('auto');
      await canvas.scrollIntoViewIfNeeded();
      await screenshot(page, 'explore-scatter-fitted');
    }));
});
