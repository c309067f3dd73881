// The sweep feels live: its grids reach Chromium as binary WebSocket frames (raw tiles, no
// base64), the canvas grows to fill the space it has, and hovering a cell shows that cell large
// beside the grid, at both window sizes. (The latency itself is measured by `npm run bench:ui`.)
import { describe, expect, it } from 'vitest';
import { useBrowser } from './fixtures';
import { addMnist, canvasHash, screenshot, waitForCanvasChange } from './harness';
import { trainSmall } from './small-run';

const { withApp } = useBrowser();

describe('the live sweep', () => {
  it('gets grids as binary frames, fills its box, and zooms the hovered cell', () =>
    withApp('sweep-live', async (app, page) => {
      const frames: { binary: boolean; size: number }[] = [];
      page.on('websocket', (ws) =>
        ws.on('framereceived', (f) => frames.push({ binary: typeof f.payload !== 'string', size: f.payload.length })),
      );
      await page.reload();
      await page.getByTestId('tab-datasets').waitFor();
      await addMnist(page);
      await trainSmall(app);
      await page.setViewportSize({ width: 1440, height: 1000 });
      await page.getByTestId('tab-explore').click();
      const canvas = page.getByTestId('sweep-canvas');
      await canvas.waitFor();
      const before = await canvasHash(page, 'sweep-canvas');
      await page.locator('[data-testid="pinned-sliders"] input[type="range"]').first().fill('1.5');
      await waitForCanvasChange(page, 'sweep-canvas', before);

      // a 16 x 16 grid of 28 px digits is 200 kB of tiles: it came as one binary frame of about that
      const big = frames.filter((f) => f.size > 16 * 16 * 28 * 28);
      expect(big.length).toBeGreaterThan(0);
      expect(big.every((f) => f.binary)).toBe(true);
      expect(Math.max(...big.map((f) => f.size))).toBeLessThan(16 * 16 * 28 * 28 * 1.1);

      // the grid fills the height it has (no whole-multiple step down to 1x beside empty space)
      const fill = async (): Promise<number> =>
        canvas.evaluate((c) => {
          const box = c.closest('.canvasbox')!.getBoundingClientRect();
          const r = c.getBoundingClientRect();
          return Math.max(r.height / (box.height - 60), r.width / box.width);
        });
      expect(await fill()).toBeGreaterThan(0.9);

      // hover a cell: it shows large beside the grid, its pixels those of the cell
      const r = (await canvas.boundingBox())!;
      const cols = Number(await canvas.getAttribute('data-cols'));
      await page.mouse.move(r.x + (r.width / cols) * 2.5, r.y + (r.height / cols) * 3.5);
      const zoom = page.getByTestId('sweep-canvas-zoom');
      await zoom.waitFor();
      const z = (await zoom.boundingBox())!;
      expect(z.x).toBeGreaterThan(r.x + r.width);
      expect(z.width).toBeGreaterThan((r.width / cols) * 4);
      const same = await page.evaluate(() => {
        const g = document.querySelector<HTMLCanvasElement>('[data-testid="sweep-canvas"]')!;
        const zc = document.querySelector<HTMLCanvasElement>('[data-testid="sweep-canvas-zoom"]')!;
        const cell = zc.width;
        const a = g.getContext('2d')!.getImageData(2 * (cell + 1), 3 * (cell + 1), cell, cell).data;
        const b = zc.getContext('2d')!.getImageData(0, 0, cell, cell).data;
        return a.length === b.length && a.every((v, i) => v === b[i]) && a.some((v, i) => i % 4 === 0 && v > 0);
      });
      expect(same).toBe(true);
      await page.setViewportSize({ width: 1440, height: 900 });
      const r2 = (await canvas.boundingBox())!;
      await page.mouse.move(r2.x + r2.width * 0.7, r2.y + r2.height * 0.3);
      await zoom.waitFor();
      await screenshot(page, 'sweep-zoom');
      // a narrow window has no room beside the grid: no zoom, and the grid still fits
      await page.setViewportSize({ width: 1024, height: 700 });
      await expect.poll(() => page.getByTestId('sweep-canvas-zoom').count()).toBe(0);
      expect(await fill()).toBeGreaterThan(0.9);
      await screenshot(page, 'sweep-zoom-1024');
    }));

  it('sends tiles at the size they are shown, and full tiles for the pointer over the grid', () =>
    withApp('sweep-shrink', async (app, page) => {
      const frames: number[] = [];
      page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(f.payload.length)));
      await page.reload();
      await page.getByTestId('tab-datasets').waitFor();
      await addMnist(page);
      await trainSmall(app);
      await page.setViewportSize({ width: 1024, height: 700 });
      await page.getByTestId('tab-explore').click();
      const canvas = page.getByTestId('sweep-canvas');
      await canvas.waitFor();
      // 32 x 32 digits of 28 px in a box of about 400 px: a cell shows at under 14 px
      await page.getByTestId('sweep-grid').fill('32');
      await expect.poll(() => canvas.getAttribute('data-cols')).toBe('32');
      const cellCss = await canvas.evaluate((c) => c.getBoundingClientRect().width / 32);
      expect(cellCss).toBeLessThan(14);
      const slider = page.locator('[data-testid="pinned-sliders"] input[type="range"]').first();
      const moveTo = async (v: string): Promise<void> => {
        const before = await canvasHash(page, 'sweep-canvas');
        await slider.fill(v);
        await waitForCanvasChange(page, 'sweep-canvas', before);
      };
      const SHRUNK = 32 * 14 + 31;
      const FULL = 32 * 28 + 31;
      frames.length = 0;
      await moveTo('1.5');
      // the canvas holds 14 px tiles (each the mean of 2x2 pixels), a quarter of the bytes came
      await expect.poll(() => canvas.evaluate((c: HTMLCanvasElement) => c.width)).toBe(SHRUNK);
      expect(Math.max(...frames)).toBeLessThan(32 * 32 * 14 * 14 * 1.1);
      // the pointer over the grid: the same sweep again at full size
      const r = (await canvas.boundingBox())!;
      await page.mouse.move(r.x + r.width * 0.4, r.y + r.height * 0.4);
      await expect.poll(() => canvas.evaluate((c: HTMLCanvasElement) => c.width)).toBe(FULL);
      await screenshot(page, 'sweep-shrink-hover-1024');
      // and away from it, the next move is drawn small again
      await page.mouse.move(5, 5);
      await moveTo('-1.5');
      await expect.poll(() => canvas.evaluate((c: HTMLCanvasElement) => c.width)).toBe(SHRUNK);
      await screenshot(page, 'sweep-shrink-1024');
    }));
});
