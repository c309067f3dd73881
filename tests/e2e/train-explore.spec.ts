// The main flow on MNIST: add the digits, train a small model for one epoch while the chart
// grows, then explore it (a slider redraws the sweep), interpolate between two picked images,
// export a PNG and decode it. And a training run cancelled from the UI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPngText } from '../../src/main/core/export/png';
import { addMnist, canvasHash, launchBrowser, screenshot, startApp, waitForCanvasChange } from './harness';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Record every value the chart's step counter takes, to see it grow rather than jump. */
async function recordChartSteps(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __steps: number[] };
    w.__steps = [];
    const el = document.querySelector('[data-testid="loss-chart"]')!;
    new MutationObserver(() => w.__steps.push(Number(el.getAttribute('data-steps')))).observe(el, {
      attributes: true,
      attributeFilter: ['data-steps'],
    });
  });
}

async function setNumber(page: Page, testid: string, value: number | string): Promise<void> {
  await page.getByTestId(testid).fill(String(value));
}

describe('train and explore', () => {
  it('trains a small MNIST model for one epoch, explores it, interpolates and exports a PNG', async () => {
    const app = await startApp(browser, 'train');
    const { page } = app;
    try {
      await addMnist(page);
      await page.getByTestId('dataset-train').click();
      await page.getByTestId('train-form').waitFor();
      await page.getByTestId('train-model-vae').click();
      expect(await page.getByTestId('train-model-explain').textContent()).toMatch(/space between two images/);
      await setNumber(page, 'train-latent', 6);
      await setNumber(page, 'train-epochs', 1);
      await page.getByTestId('train-advanced').click();
      await page.getByTestId('train-hidden').fill('128');
      await setNumber(page, 'train-limit', 3000);
      await recordChartSteps(page);
      await page.getByTestId('train-start').click();

      // while it runs, the run is live in the sidebar; then it finishes with its curves drawn
      await page.locator('[data-testid="train-run"][data-status="done"]').waitFor({ timeout: 120_000 });
      await page.locator('[data-testid="loss-chart"]:not([data-epochs="0"])').waitFor();
      const steps = await page.evaluate(() => (window as unknown as { __steps: number[] }).__steps);
      const final = Number(await page.getByTestId('loss-chart').getAttribute('data-steps'));
      expect(final).toBeGreaterThanOrEqual(2);
      expect(new Set(steps.filter((s) => s > 0)).size, `chart step counts seen: ${steps.join(',')}`).toBeGreaterThanOrEqual(2);
      await page.getByTestId('strip-recon').waitFor();
      await page.getByTestId('strip-samples').waitFor();
      expect(await page.locator('[data-testid="sidebar-run"][data-status="done"]').count()).toBe(1);
      await screenshot(page, 'train-done');

      // Explore: the sweep redraws while a pinned slider moves
      await page.getByTestId('train-explore').click();
      await page.getByTestId('sweep-canvas').waitFor();
      const cols = await page.getByTestId('sweep-canvas').getAttribute('data-cols');
      expect(cols).toBe('16');
      const before = await canvasHash(page, 'sweep-canvas');
      expect(before).not.toBe('');
      await screenshot(page, 'explore-sweep');
      const firstPin = page.locator('[data-testid="pinned-sliders"] input[type="range"]').first();
      await firstPin.focus();
      for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight'); // native range: arrows move it
      await page.keyboard.press('End');
      const afterPin = await waitForCanvasChange(page, 'sweep-canvas', before);
      expect(afterPin).not.toBe(before);
      expect(await firstPin.inputValue()).toBe('4');

      // the range slider too, and the grid size changes the layout
      await page.getByTestId('sweep-grid').fill('8');
      await page.locator('[data-testid="sweep-canvas"][data-cols="8"]').waitFor();
      const eight = await canvasHash(page, 'sweep-canvas');
      await page.getByTestId('sweep-range').fill('1.5');
      await waitForCanvasChange(page, 'sweep-canvas', eight);

      // hovering reads a cell's point; clicking walks there (the marker appears)
      const box = (await page.getByTestId('sweep-canvas').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.2);
      await expect.poll(() => page.getByTestId('sweep-hover').textContent()).toMatch(/\(z\d+, z\d+\) = \(-?\d+\.\d\d, -?\d+\.\d\d\)/);
      await page.mouse.click(box.x + box.width * 0.8, box.y + box.height * 0.2);
      await page.getByTestId('sweep-canvas-marker').waitFor();
      await screenshot(page, 'explore-walk');

      // "image" base: the pinned sliders jump to an encoded test image
      await page.getByTestId('sweep-base-image').click();
      await page.getByTestId('base-picker-grid').waitFor();
      await page.getByTestId('sweep-canvas-marker').waitFor();

      // Interpolate between two picked test images
      await page.getByTestId('explore-tab-interp').click();
      const picker = page.getByTestId('interp-picker-grid');
      await picker.waitFor();
      await page.getByTestId('interp-strip').waitFor();
      const strip0 = await canvasHash(page, 'interp-strip');
      const pbox = (await picker.boundingBox())!;
      const cell = pbox.width / 16;
      await picker.click({ position: { x: cell * 5.5, y: cell * 0.5 } });
      await picker.click({ position: { x: cell * 11.5, y: cell * 1.5 } });
      await waitForCanvasChange(page, 'interp-strip', strip0);
      // ten steps between the two images themselves
      expect(await page.getByTestId('interp-strip').getAttribute('data-cols')).toBe('12');
      expect(await page.getByTestId('interp-note').textContent()).toMatch(/first and last image of each row are the two images themselves/);
      await page.getByTestId('interp-mode-slerp').click();
      await page.getByTestId('interp-strip').scrollIntoViewIfNeeded();
      await screenshot(page, 'explore-interpolate');

      // ...and between two points of the sweep: walk to a cell, take it as A; another as B
      const imagesStrip = await canvasHash(page, 'interp-strip');
      await page.getByTestId('interp-between-points').click();
      const sweep = page.getByTestId('sweep-canvas');
      const sbox = (await sweep.boundingBox())!;
      await sweep.click({ position: { x: sbox.width * 0.06, y: sbox.height * 0.06 } });
      await page.getByTestId('interp-set-a').click();
      await sweep.click({ position: { x: sbox.width * 0.94, y: sbox.height * 0.94 } });
      await page.getByTestId('interp-set-b').click();
      await waitForCanvasChange(page, 'interp-strip', imagesStrip);
      expect(await page.getByTestId('interp-strip').getAttribute('data-rows')).toBe('1');

      // the other panels draw
      await page.getByTestId('explore-tab-samples').click();
      await page.getByTestId('samples-grid').waitFor();
      const s0 = await canvasHash(page, 'samples-grid');
      await page.getByTestId('samples-reseed').click();
      await waitForCanvasChange(page, 'samples-grid', s0);
      // each sample above its nearest training image: two rows
      const s1 = await canvasHash(page, 'samples-grid');
      await page.getByTestId('samples-view-nearest').click();
      await waitForCanvasChange(page, 'samples-grid', s1);
      expect(await page.getByTestId('samples-grid').getAttribute('data-cols')).toBe('12');
      await screenshot(page, 'explore-nearest');
      await page.getByTestId('explore-tab-scatter').click();
      await page.locator('[data-testid="scatter-canvas"]:not([data-points="0"])').waitFor();
      await page.getByTestId('scatter-canvas').scrollIntoViewIfNeeded();
      await screenshot(page, 'explore-scatter');
      // the same view in the dark theme
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.getByTestId('view-explore').evaluate((el) => el.scrollTo(0, 0));
      await screenshot(page, 'explore-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      // a smaller window: the sweep panel still fits beside the grid
      await page.setViewportSize({ width: 1024, height: 700 });
      await page.getByTestId('view-explore').evaluate((el) => el.scrollTo(0, 0));
      await screenshot(page, 'explore-1024');
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.getByTestId('explore-tab-eval').click();
      await page.getByTestId('eval-run').click();
      await page.getByTestId('eval-result').waitFor();
      expect(await page.getByTestId('eval-result').textContent()).toMatch(/negative ELBO\s*\d+\.\d\d nats/);

      // Export PNG (Ctrl+E opens the dialog); the browser downloads it
      await page.keyboard.press('Control+e');
      await page.getByTestId('export-dialog').waitFor();
      await page.getByTestId('export-scale').fill('2');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-save').click()]);
      const file = join(app.dataDir, 'export.png');
      await download.saveAs(file);
      expect(download.suggestedFilename()).toMatch(/\.png$/);
      const png = readFileSync(file);
      const meta = await sharp(png).metadata();
      expect(meta.format).toBe('png');
      // 8 x 8 tiles of 28 px at scale 2 plus gutters
      expect(meta.width).toBeGreaterThanOrEqual(8 * 28 * 2);
      expect(meta.height).toBeGreaterThanOrEqual(8 * 28 * 2);
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      expect(info.width).toBe(meta.width);
      let lo = 255;
      let hi = 0;
      for (const v of data) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      expect(hi - lo, 'the exported grid is not blank').toBeGreaterThan(50);
      // the settings ride in a text chunk (read with our own reader: sharp only sees chunks before IDAT)
      const text = readPngText(png);
      const spec = JSON.parse(text['latent-lab:spec'] ?? '{}') as { kind?: string; grid?: number; range?: number[] };
      expect(spec.kind).toBe('sweep');
      expect(spec.grid).toBe(8);
      expect(spec.range).toEqual([-1.5, 1.5]);

      // Runs: the finished run is listed with its held-out loss; rename it inline
      await page.getByTestId('tab-runs').click();
      const row = page.getByTestId('run-row').first();
      expect(await row.getByTestId('run-status').textContent()).toBe('done');
      await row.getByTestId('run-rename').click();
      await page.getByTestId('run-rename-input').fill('first digits');
      await page.keyboard.press('Enter');
      await row.getByTestId('run-name').filter({ hasText: 'first digits' }).waitFor();
      await row.getByTestId('run-overlay').check();
      await page.locator('[data-testid="runs-overlay"][data-series="1"]').waitFor();
      await screenshot(page, 'runs');
      expect(app.pageErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('cancels a training run from the UI', async () => {
    const app = await startApp(browser, 'cancel');
    const { page } = app;
    try {
      await addMnist(page);
      await page.getByTestId('tab-train').click();
      await setNumber(page, 'train-epochs', 200);
      await setNumber(page, 'train-latent', 4);
      await page.getByTestId('train-start').click();
      await page.locator('[data-testid="train-start"][data-running="true"]').waitFor();
      await page.getByTestId('status-job').waitFor();
      await page.locator('[data-testid="loss-chart"]:not([data-steps="0"])').waitFor();
      await page.locator('[data-testid="sidebar-run"][data-status="running"]').waitFor();
      await screenshot(page, 'train-running');
      const t0 = Date.now();
      await page.getByTestId('train-start').click(); // it reads Cancel now
      await page.locator('[data-testid="train-run"][data-status="cancelled"]').waitFor();
      expect(Date.now() - t0).toBeLessThan(10_000);
      await page.locator('[data-testid="train-start"][data-running="false"]').waitFor();
      await page.getByTestId('status-job').waitFor({ state: 'detached' });
      // a cancelled run can be resumed
      await page.getByTestId('train-resume').waitFor();
      expect(await page.getByTestId('toast-error').count()).toBe(0);
      expect(app.pageErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
