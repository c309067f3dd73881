// Getting around: the place in the app lives in the URL hash, so a reload keeps the view, the
// run and the Explore tab (and the dataset on the Datasets page); the keyboard switches views,
// walks the sweep's point and opens a shortcut sheet; dialogs take focus and Esc closes them;
// the theme toggle beside the system's setting is kept across reloads.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { objectDataset, train, useBrowser } from './fixtures';
import { screenshotSizes } from './harness';

const { withApp } = useBrowser();

const shot = screenshotSizes;
const blur = (page: Page): Promise<void> => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
const focusInside = (page: Page, testid: string): Promise<boolean> =>
  page.evaluate((id) => !!document.activeElement?.closest(`[data-testid="${id}"]`), testid);
const bodyBg = (page: Page): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

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
      await shot(page, 'place-explore-reloaded');

      // the Runs view, and a hand-edited hash moves the app
      await page.getByTestId('tab-runs').click();
      await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#runs?run=${second.runId}`);
      await page.evaluate(() => (location.hash = '#train'));
      await page.getByTestId('view-train').waitFor();
      await page.reload();
      await page.getByTestId('view-train').waitFor();
    }));

  it('walks the sweep with the arrows, switches views with 1-4, opens a shortcut sheet and closes dialogs with Esc', () =>
    withApp('keys', async (app, page) => {
      const ds = await objectDataset(app, 'objects', 6, 3);
      await train(app, ds, { model: 'ae', latent: 3, hidden: [16], epochs: 1, batch: 16 });
      await page.reload();
      await page.getByTestId('view-datasets').waitFor();
      await page.keyboard.press('3');
      await page.getByTestId('sweep-canvas').waitFor();

      // arrows walk the point one cell; the marker follows
      const marker = page.getByTestId('sweep-canvas-marker');
      const at = async (): Promise<[number, number]> => {
        const b = (await marker.boundingBox())!;
        return [b.x, b.y];
      };
      await blur(page);
      await page.keyboard.press('ArrowRight');
      await marker.waitFor();
      const [x0, y0] = await at();
      await page.keyboard.press('ArrowRight');
      await expect.poll(async () => (await at())[0]).toBeGreaterThan(x0);
      await page.keyboard.press('ArrowUp');
      await expect.poll(async () => (await at())[1]).toBeLessThan(y0);

      // a focused slider keeps its arrows: the third dim's pin moves, the point does not
      const before = await at();
      const pin = page.getByTestId('pinned-sliders').locator('input[type="range"]').first();
      await pin.focus();
      await page.keyboard.press('ArrowRight');
      expect(await pin.inputValue()).toBe('0.01');
      expect(await at()).toEqual(before);

      // views by number, not while typing in a field
      await blur(page);
      for (const [key, view] of [
        ['1', 'datasets'],
        ['4', 'runs'],
        ['2', 'train'],
      ] as const) {
        await page.keyboard.press(key);
        await page.getByTestId(`view-${view}`).waitFor();
      }
      await page.getByTestId('train-latent').focus();
      await page.keyboard.press('3');
      expect(await page.getByTestId('view-train').count()).toBe(1);

      // ? opens the sheet, which takes focus and keeps Tab inside; Esc closes it, the focus goes back
      await blur(page);
      await page.keyboard.press('?');
      await page.getByTestId('shortcuts').waitFor();
      expect(await focusInside(page, 'shortcuts')).toBe(true);
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press('Tab');
        expect(await focusInside(page, 'shortcuts')).toBe(true);
      }
      await page.keyboard.press('3'); // a dialog keeps the plain keys
      expect(await page.getByTestId('view-train').count()).toBe(1);
      await shot(page, 'keys-shortcut-sheet');
      await page.keyboard.press('Escape');
      await page.getByTestId('shortcuts').waitFor({ state: 'detached' });

      // Esc closes a dialog even when the focus left it
      await page.keyboard.press('3');
      await page.getByTestId('export-open').click();
      await page.getByTestId('export-dialog').waitFor();
      expect(await focusInside(page, 'export-dialog')).toBe(true);
      await blur(page);
      await page.keyboard.press('Escape');
      await page.getByTestId('export-dialog').waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('export-open');
    }));

  it('toggles light and dark beside the system setting and keeps the choice across a reload', () =>
    withApp('theme', async (app, page) => {
      await objectDataset(app, 'objects', 6, 3);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.reload();
      await page.getByTestId('dataset-page').waitFor();
      const light = 'rgb(247, 247, 248)';
      const dark = 'rgb(23, 23, 27)';
      expect(await page.getByTestId('theme').inputValue()).toBe('system');
      expect(await bodyBg(page)).toBe(light);
      await page.getByTestId('theme').selectOption('dark');
      await expect.poll(() => bodyBg(page)).toBe(dark);
      await page.reload();
      await page.getByTestId('dataset-page').waitFor();
      expect(await page.getByTestId('theme').inputValue()).toBe('dark');
      expect(await bodyBg(page)).toBe(dark);
      await shot(page, 'theme-dark');
      // light wins over a dark system; the system's setting followed live again after 'system'
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.getByTestId('theme').selectOption('light');
      await expect.poll(() => bodyBg(page)).toBe(light);
      await page.getByTestId('theme').selectOption('system');
      await expect.poll(() => bodyBg(page)).toBe(dark);
      await page.emulateMedia({ colorScheme: 'light' });
      await expect.poll(() => bodyBg(page)).toBe(light);
    }));
});
