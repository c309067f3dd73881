// Honest numbers on real runs: every run also in bits per dimension and PSNR, runs compared in
// bits/dim with an AE's figure marked reconstruction only and a warning when datasets differ;
// the epoch strips stay on screen from one epoch to the next.
import { describe, expect, it } from 'vitest';
import { objectDataset, train, useBrowser } from './fixtures';
import { screenshot, screenshotSizes } from './harness';

const { withApp } = useBrowser();

describe('honest numbers', () => {
  it('shows bits/dim and PSNR for every run, and compares an AE and a VAE on two datasets with warnings', () =>
    withApp('numbers', async (app, page) => {
      const a = await objectDataset(app, 'objects', 20, 4);
      const b = await objectDataset(app, 'others', 12, 4);
      const ae = await train(app, a, { model: 'ae', latent: 4, hidden: [32], epochs: 1, batch: 16, likelihood: 'gaussian' });
      const vae = await train(app, b, { model: 'vae', latent: 4, hidden: [32], epochs: 1, batch: 16, likelihood: 'gaussian', sigma: 0.3 });
      await page.reload();
      await page.getByTestId('tab-runs').click();
      const row = (id: number) => page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
      for (const id of [ae.runId, vae.runId]) {
        await expect.poll(() => row(id).getByTestId('run-bpd').textContent()).toMatch(/^-?\d+\.\d{3}/);
        await expect.poll(() => row(id).getByTestId('run-psnr').textContent()).toMatch(/^\d+\.\d dB$/);
      }
      // the figure is the held-out nats turned into bits per 8-bit pixel: nats / (D ln 2) + 8
      const runs = await app.service['runs:list']({});
      const vaeInfo = runs.find((r) => r.id === vae.runId)!;
      const shown = parseFloat((await row(vae.runId).getByTestId('run-bpd').textContent())!);
      expect(shown).toBeCloseTo(vaeInfo.bestHeldOut! / (256 * Math.LN2) + 8, 2);
      expect(await row(ae.runId).getByTestId('run-bpd').textContent()).toMatch(/\*$/);
      expect(await row(ae.runId).getByTestId('run-bpd').getAttribute('title')).toMatch(/reconstruction only/);
      expect(await row(vae.runId).getByTestId('run-bpd').textContent()).not.toMatch(/\*/);
      expect(await row(vae.runId).getByTestId('run-bpd').getAttribute('title')).toMatch(
        /fixed spread 0\.3: the figure grows with the spread/,
      );

      // overlaid: in bits/dim, with what does not compare said in words
      await row(ae.runId).getByTestId('run-overlay').check();
      await row(vae.runId).getByTestId('run-overlay').check();
      await page.locator('[data-testid="runs-overlay"][data-series="2"]').waitFor();
      const warnings = page.getByTestId('runs-compare-warning');
      await warnings.first().waitFor();
      const text = (await warnings.allTextContents()).join(' ');
      expect(text).toContain('different datasets (');
      expect(text).toMatch(/ae-4.*reconstruction only/);
      expect(text).toContain('different fixed spreads (0.1, 0.3)');
      await screenshot(page, 'runs-bits-per-dim');
    }));

  it("keeps the last epoch's strips until the next epoch's arrive", () =>
    withApp('strips', async (app, page) => {
      const a = await objectDataset(app, 'objects', 40, 6);
      // count every time the strips leave the page once they have been there
      await page.evaluate(() => {
        const w = window as unknown as { __strips: { shown: number; gone: number } };
        w.__strips = { shown: 0, gone: 0 };
        let there = false;
        new MutationObserver(() => {
          const now = !!document.querySelector('[data-testid="epoch-strips"]');
          if (now && !there) w.__strips.shown++;
          if (!now && there) w.__strips.gone++;
          there = now;
        }).observe(document.body, { childList: true, subtree: true });
      });
      await page.getByTestId('tab-train').click();
      const run = await train(app, a, { model: 'vae', latent: 4, hidden: [256, 256], epochs: 5, batch: 8 }, false);
      await page.locator('[data-testid="sidebar-run"][data-status="running"]').click(); // shown on Train
      await page.locator('[data-testid="train-run"][data-status="running"]').waitFor();
      await page.getByTestId('epoch-strips').waitFor();
      await page.locator('[data-testid="train-run"][data-status="done"]').waitFor({ timeout: 120_000 });
      const f = await app.service.waitForJob(run.jobId);
      expect(f.status).toBe('done');
      const seen = await page.evaluate(() => (window as unknown as { __strips: { shown: number; gone: number } }).__strips);
      expect(seen.shown).toBe(1);
      expect(seen.gone).toBe(0);
      expect(await page.getByTestId('train-run-bpd').textContent()).toMatch(/^\d\.\d{3} bits per /);
    }));

  it('gives one figure per quantity while training: the same epoch in the header and the status line, one images/s, units in words', () =>
    withApp('one-figure', async (app, page) => {
      const a = await objectDataset(app, 'objects', 40, 6);
      await page.getByTestId('tab-train').click();
      // long enough to be read while it runs: 3 epochs of 40 images ended before the first read on a quiet machine
      const run = await train(app, a, { model: 'vae', latent: 4, hidden: [256, 256], epochs: 20, batch: 8 }, false);
      await page.locator('[data-testid="sidebar-run"][data-status="running"]').click(); // shown on Train, also once done
      await page.locator('[data-testid="train-run"][data-status="running"]').waitFor();
      await page.getByTestId('loss-last').waitFor();
      const epochOf = (t: string | null) =>
        /epoch (\d+) of (\d+)/
          .exec(t ?? '')
          ?.slice(1)
          .join('/') ?? `none in "${t}"`;
      // read together, between two progress events: the header's epoch is the status line's
      await expect
        .poll(async () => {
          const [head, foot] = await page.evaluate(() => [
            document.querySelector('[data-testid="train-run-epoch"]')?.textContent ?? null,
            document.querySelector('[data-testid="status-job"][data-kind="train"]')?.textContent ?? null,
          ]);
          return epochOf(head) === epochOf(foot) ? epochOf(head) : `${epochOf(head)} vs ${epochOf(foot)}`;
        })
        .toMatch(/^\d+\/20$/);
      // one speed on the page: the status line's
      expect((await page.locator('body').innerText()).match(/images\/s/g)?.length ?? 0).toBeLessThanOrEqual(1);
      await screenshotSizes(page, 'train-one-figure');
      await page.locator('[data-testid="train-run"][data-status="done"]').waitFor({ timeout: 120_000 });
      expect(await page.getByTestId('train-run-epoch').textContent()).toBe('20 of 20 epochs done');
      expect(await page.getByTestId('train-run-heldout').textContent()).toMatch(
        /^Best held-out loss -?[\d,]+\.\d\d nats per image.*, \d+\.\d{3} bits per /s,
      );
      expect((await app.service.waitForJob(run.jobId)).status).toBe('done');
    }));
});
