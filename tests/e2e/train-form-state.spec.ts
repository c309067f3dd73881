// The Train form shows the settings of what it is about: switching dataset drops the run name
// typed for the other one, and after a reload during a training it shows that training's
// dataset and settings, not the defaults of whatever dataset comes first.
import { describe, expect, it } from 'vitest';
import { call, objectDataset, train, useBrowser } from './fixtures';
import { screenshotSizes } from './harness';

const { withApp } = useBrowser();

describe('Train form state', () => {
  it('drops the run name typed for another dataset', () =>
    withApp('form-name', async (app, page) => {
      const a = await objectDataset(app, 'cups', 8, 4);
      const b = await objectDataset(app, 'lamps', 8, 4);
      await page.reload();
      await page.getByTestId('tab-train').click();
      await page.getByTestId('train-dataset').selectOption(String(a));
      await page.getByTestId('train-advanced').click();
      await page.getByTestId('train-name').fill('cups vae z10');
      await page.getByTestId('train-dataset').selectOption(String(b));
      expect(await page.getByTestId('train-name').inputValue()).toBe('');
    }));

  it('after a reload during a training, shows the training run and its settings', () =>
    withApp('form-reload', async (app, page) => {
      await objectDataset(app, 'first', 8, 4);
      const second = await objectDataset(app, 'second', 8, 4);
      // a run on the second dataset whose settings are none of the form's defaults
      const run = await train(app, second, { model: 'ae', latent: 3, epochs: 400, batch: 8, seed: 7, lr: 0.002 }, false);
      try {
        await page.reload();
        await page.getByTestId('tab-train').click();
        await page.getByTestId('train-start').and(page.locator('[data-running="true"]')).waitFor();
        expect(await page.getByTestId('train-dataset').inputValue()).toBe(String(second));
        expect(await page.getByTestId('train-model-ae').getAttribute('aria-checked')).toBe('true');
        expect(await page.getByTestId('train-latent').inputValue()).toBe('3');
        expect(await page.getByTestId('train-epochs').inputValue()).toBe('400');
        expect(await page.getByTestId('train-batch').inputValue()).toBe('8');
        expect(await page.getByTestId('train-seed').inputValue()).toBe('7');
        expect(Number(await page.getByTestId('train-lr').inputValue())).toBe(0.002);
        await screenshotSizes(page, 'train-form-after-reload');
      } finally {
        await call(app, 'jobs:cancel', { jobId: run.jobId });
        await app.service.waitForJob(run.jobId);
      }
    }));
});
