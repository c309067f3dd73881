// The Train form offers PyTorch where the service found it: the engine choice with a device and
// processes, a small run trained on it, and the Runs view naming it ("torch 1.13 · cpu"); skipped,
// saying why, where no python3 imports torch 1.13 or newer. Where PyTorch is missing, the form
// and the badge say what to install and why it pays.
import { describe, expect, it } from 'vitest';
import { probeTorch } from '../../src/main/core/engines/torch/find-python';
import { objectDataset, useBrowser } from './fixtures';
import { screenshot, screenshotSizes } from './harness';

const probe = await probeTorch();
if (!probe.found) console.warn(`torch e2e skipped: ${probe.reason}`);
const release = probe.found ? probe.version.split('+')[0]!.split('.').slice(0, 2).join('.') : '';

const { withApp } = useBrowser();

describe.skipIf(!probe.found)('PyTorch in the Train form', () => {
  it('picks torch with its device and processes, trains a small run, and the Runs view names it', { timeout: 240_000 }, () =>
    withApp('torch-form', async (app, page) => {
      const datasetId = await objectDataset(app, 'objects', 8, 4);
      await page.reload();
      await page.getByTestId('tab-train').click();
      await page.getByTestId('train-dataset').selectOption(String(datasetId));
      // the service asks python for torch once (seconds); the choice comes when it answers
      await page.getByTestId('train-engine').locator('option[value="torch"]').waitFor({ state: 'attached', timeout: 90_000 });
      await page.getByTestId('train-engine').selectOption('torch');
      expect(await page.getByTestId('train-engine-explain').textContent()).toMatch(
        new RegExp(`PyTorch ${probe.found ? probe.version.replace(/[.+]/g, '\\$&') : ''} on .*cpu`),
      );
      await page.getByTestId('train-device').selectOption('cpu');
      expect(await page.getByTestId('train-processes').inputValue()).toBe('1');
      await page.getByTestId('train-epochs').fill('2');
      await page.getByTestId('train-batch').fill('8');
      // the form scrolls: each size shows the engine's fields
      for (const [width, height] of [
        [1440, 900],
        [1024, 700],
      ] as const) {
        await page.setViewportSize({ width, height });
        await page.getByTestId('train-engine-block').scrollIntoViewIfNeeded();
        await screenshot(page, `train-engine-torch-${width}`);
      }
      await page.setViewportSize({ width: 1440, height: 900 });

      await page.getByTestId('train-start').click();
      await page.getByTestId('train-start').and(page.locator('[data-running="true"]')).waitFor();
      await page.getByTestId('train-start').and(page.locator('[data-running="false"]')).waitFor({ timeout: 120_000 });
      await page.getByTestId('tab-runs').click();
      const row = page.getByTestId('run-row').first();
      await expect.poll(() => row.getByTestId('run-status').textContent(), { timeout: 30_000 }).toBe('done');
      expect(await row.getByTestId('run-backend').textContent()).toBe(`torch ${release} · cpu`);
      await screenshotSizes(page, 'runs-torch');
    }),
  );
});

describe('PyTorch missing', () => {
  it('the Train form and the badge say what to install and why it is worth it', async () => {
    // a python that is not there: the service's probe finds no PyTorch
    process.env.LATENT_LAB_PYTHON = '/nonexistent/python3';
    try {
      await withApp('torch-missing', async (app, page) => {
        await objectDataset(app, 'objects', 4, 4);
        await page.reload();
        await page.getByTestId('tab-train').click();
        const explain = page.getByTestId('train-torch-note');
        await explain.filter({ hasText: 'PyTorch was not found' }).waitFor({ timeout: 90_000 });
        expect(await explain.textContent()).toMatch(/Worth installing: on a CPU it trains the same models .* as fast as wasm/s);
        await page.getByTestId('train-torch-install').locator('summary').click();
        expect(await page.getByTestId('train-torch-install').textContent()).toMatch(/pip install torch.*restart Latent Lab/s);
        expect(await explain.getAttribute('title')).toMatch(/\/nonexistent\/python3/);
        expect(await page.getByTestId('train-engine').locator('option[value="torch"]').count()).toBe(0);
        await page.getByTestId('train-engine-block').scrollIntoViewIfNeeded();
        await screenshot(page, 'train-engine-missing-1440');
        await page.getByTestId('backend-badge').click();
        const torchLine = page
          .getByTestId('backend-faster')
          .locator('li')
          .filter({ hasText: /^\s*torch/ });
        expect(await torchLine.textContent()).toMatch(
          /needs Python 3 with PyTorch.*Not used here: no usable PyTorch in LATENT_LAB_PYTHON.*it is worth it/s,
        );
        await screenshotSizes(page, 'badge-torch-missing');
      });
    } finally {
      delete process.env.LATENT_LAB_PYTHON;
    }
  });
});
