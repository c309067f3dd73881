// Small things a first walk tripped on: "Use at most" showing its whole number, the conv
// family's dense sizes called what they are, the CVAE's learned prior asked once (its form),
// and a rename that keeps the columns in place and says why an emptied name changes nothing.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { call, objectDataset, objectImages, train, useBrowser } from './fixtures';
import { screenshotSizes } from './harness';

const { withApp } = useBrowser();

describe('polish', () => {
  it('shows the whole number of images, names the dense sizes of a conv net and asks for a learned prior once', () =>
    withApp('polish-form', async (app, page) => {
      await objectDataset(app, 'objects', 8, 4);
      await page.reload();
      await page.getByTestId('tab-train').click();
      await page.getByTestId('train-advanced').click();
      await page.getByTestId('train-limit').fill('15000');
      const spare = await page.getByTestId('train-limit').evaluate((el) => {
        const input = el as HTMLInputElement;
        // the text's width at the field's own font against the room the field gives it (the
        // spinner takes ~16 px). The font from its parts: an input's computed `font` shorthand
        // is empty in Chromium, and a canvas given '' measures at 10 px, which let a field
        // that had no pixel to spare pass
        const s = getComputedStyle(input);
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        const room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 16;
        return room - ctx.measureText(input.value).width;
      });
      // the whole number with a gap before the spinner, not digits touching it (which another
      // font, or a wider digit, clips)
      expect(spare).toBeGreaterThanOrEqual(4);
      await page.getByTestId('train-family-conv').click();
      expect(await page.locator('label[for="t-hidden"]').textContent()).toBe('Dense sizes');
      await page.getByTestId('train-hidden-explain').waitFor();
      await page.getByTestId('train-model-cvae').click();
      await page.getByTestId('train-form-kind').waitFor();
      expect(await page.getByTestId('train-learned-prior').count()).toBe(0);
      await page.getByTestId('train-advanced').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await screenshotSizes(page, 'polish-train-advanced');
    }));

  it('renames in place without moving the columns, and says why an emptied name changes nothing', () =>
    withApp('polish-rename', async (app, page) => {
      const ds = await objectDataset(app, 'objects', 8, 4);
      await train(app, ds, { model: 'ae', latent: 2, hidden: [16], epochs: 1, batch: 8 });
      await page.reload();
      await page.getByTestId('tab-runs').click();
      const heads = () => page.locator('thead th').evaluateAll((ths) => ths.map((t) => Math.round(t.getBoundingClientRect().left)));
      // selecting the run (the double-click's first click) may refresh its figures: let the
      // table settle first, so what is compared is the rename field's doing alone
      await page.getByTestId('run-name').first().click();
      let before = await heads();
      await expect
        .poll(
          async () => {
            const now = await heads();
            const same = JSON.stringify(now) === JSON.stringify(before);
            before = now;
            return same;
          },
          { interval: 500 },
        )
        .toBe(true);
      await page.getByTestId('run-name').first().dblclick();
      const input = page.getByTestId('run-rename-input');
      await input.waitFor();
      expect(await heads()).toEqual(before);
      await input.fill('');
      await input.press('Enter');
      await page.locator('.toasts').filter({ hasText: 'A run needs a name: it stays "ae-2 · objects".' }).waitFor();
      expect(await page.getByTestId('run-name').first().textContent()).toBe('ae-2 · objects');
    }));

  it('shows the exported PNG and its size before saving, as the file will be', () =>
    withApp('polish-export', async (app, page) => {
      const ds = await objectDataset(app, 'objects', 8, 4);
      await train(app, ds, { model: 'vae', latent: 2, hidden: [16], epochs: 1, batch: 8 });
      await page.reload();
      await page.getByTestId('tab-explore').click();
      await page.getByTestId('sweep-canvas').waitFor();
      await page.getByTestId('export-open').click();
      const size = page.getByTestId('export-size');
      await size.waitFor();
      const first = await size.textContent();
      expect(first).toMatch(/^\d+ × \d+ px$/);
      await page.getByTestId('export-scale').fill('2');
      await expect.poll(() => size.textContent()).not.toBe(first);
      const unlabelled = await size.textContent();
      await page.getByTestId('export-labels').check();
      // the labels' margins make it larger
      await expect.poll(() => size.textContent()).not.toBe(unlabelled);
      expect(await page.locator('[data-testid="export-preview"] img').count()).toBe(1);
      await screenshotSizes(page, 'export-preview');
      const shown = (await size.textContent())!;
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-save').click()]);
      const meta = await sharp(await download.path()).metadata();
      expect(`${meta.width} × ${meta.height} px`).toBe(shown);
    }));

  it('draws 32 px thumbnails on the dataset page at 2x, not 1x', () =>
    withApp('polish-thumbs', async (app, page) => {
      const folder = await objectImages(join(app.dataDir, 'objects32'), 6, 2);
      const imp = await call(app, 'datasets:import', { kind: 'folder', path: folder, side: 32, labelsFrom: 'pattern' });
      expect((await app.service.waitForJob(imp.jobId)).status).toBe('done');
      await page.reload();
      await page.getByTestId('sidebar-dataset').first().click();
      const grid = page.getByTestId('dataset-grid');
      await grid.waitFor();
      expect(await grid.getAttribute('data-scale')).toBe('2');
      await screenshotSizes(page, 'polish-dataset-32px');
    }));
});
