// A collapsed run looks failed in the Runs table, with its reason and a one-click retry on safer
// settings; the Train form starts from the faces recipe in one click and says what each choice is for.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke as dispatch } from '../../src/main/dispatch';
import { launchBrowser, screenshot, startApp } from './harness';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('collapsed runs and recipes', () => {
  it('lists a collapsed run with its reason, retries it on safer settings, and fills the form from the faces recipe', async () => {
    const app = await startApp(browser, 'collapse');
    const { page, service: svc } = app;
    try {
      const imported = await svc['datasets:import']({ kind: 'mnist', color: 'auto', resize: 'fit', testShare: 0.1, seed: 1 });
      const mnist = (await svc.waitForJob(imported.jobId)).datasetId!;
      // a beta so large that no dimension is worth its KL; 150 steps, the fewest the verdict judges
      const r = await dispatch(svc, 'runs:start', {
        datasetId: mnist,
        config: { model: 'vae', latent: 4, hidden: [32], beta: 200, epochs: 1, batch: 20, limit: 3000, lr: 2e-3, threads: 1 },
        name: 'too much beta',
      });
      if (!r.ok) throw new Error(r.error.message);
      const started = r.value;
      await svc.waitForJob(started.jobId);

      // the ending is a failure to see, not a success toast that passes
      await page
        .getByTestId('toast-error')
        .filter({ hasText: /^collapsed after 1 epoch: posterior collapse/ })
        .waitFor();
      expect(await page.getByTestId('toast-success').filter({ hasText: 'collapsed' }).count()).toBe(0);
      await page.getByTestId('tab-runs').click();
      const row = page.locator(`[data-testid="run-row"][data-run-id="${started.runId}"]`);
      await row.getByTestId('run-status').filter({ hasText: 'collapsed' }).waitFor();
      expect(await row.getByTestId('run-collapse-reason').textContent()).toMatch(/^[01] of 4 latent dimensions in use after epoch 1$/);
      expect(await row.getByTestId('run-status').getAttribute('title')).toMatch(/^posterior collapse: .*Retry with safer settings/);
      await screenshot(page, 'runs-collapsed');
      await row.getByTestId('run-retry-safer').click();
      await page.getByTestId('train-run').waitFor();
      const runs = await svc['runs:list']({});
      const retry = runs.find((r) => r.name === 'too much beta · safer')!;
      expect(retry.config).toMatchObject({ beta: 1, warmup: 10, family: 'mlp', latent: 4 });
      await svc['jobs:cancel']({ jobId: retry.jobId! });

      await page.getByTestId('tab-train').click();
      await page.getByTestId('train-recipe-faces').click();
      expect(await page.getByTestId('train-latent').inputValue()).toBe('10');
      expect(await page.getByTestId('train-likelihood').inputValue()).toBe('gaussian');
      // MNIST's 28 px: the spread the side calls for (its square root / 16), not the form's Bernoulli-era 0.1
      expect(await page.getByTestId('train-sigma').inputValue()).toBe('0.331');
      expect(await page.getByTestId('train-flip').isChecked()).toBe(false);
      expect(await page.getByTestId('train-recipe-why').textContent()).toMatch(/latent 10.*pins the other eight/);
      await screenshot(page, 'train-faces-recipe');
      expect(app.pageErrors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 240_000);
});
