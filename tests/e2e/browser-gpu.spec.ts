// Browser mode on "this browser's GPU": the Train form offers the tab's own WebGPU adapter
// (SwiftShader here, software), a dedicated worker of the tab trains, the server keeps the run.
// Closing the tab interrupts the run; Resume in a tab with WebGPU goes on there, from its last
// checkpoint.
import { describe, expect, it } from 'vitest';
import { call, useBrowser } from './fixtures';
import type { Page } from 'playwright-core';
import { addMnist, screenshotSizes, type AppUnderTest } from './harness';

const { withApp } = useBrowser();

/** the MNIST VAE, small enough for SwiftShader: 784-64-2, batches of 128 */
async function fillSmallRun(page: Page, epochs: number, limit: number): Promise<void> {
  await page.getByTestId('train-latent').fill('2');
  await page.getByTestId('train-epochs').fill(String(epochs));
  await page.getByTestId('train-batch').fill('128');
  await page.getByTestId('train-advanced').click();
  await page.getByTestId('train-hidden').fill('64');
  await page.getByTestId('train-limit').fill(String(limit));
  await page.getByTestId('train-engine').selectOption('webgpu-browser');
}

/** Start, and the run and its training job once the tab's trainer has connected and the server started it. */
async function start(app: AppUnderTest, page: Page): Promise<{ runId: number; jobId: string }> {
  await page.getByTestId('train-start').click();
  await page.getByTestId('train-start').and(page.locator('[data-running="true"]')).waitFor();
  const runId = (await call(app, 'runs:list', {}))[0]!.id;
  const jobId = (await call(app, 'jobs:list', {})).find((j) => j.kind === 'train')!.jobId;
  return { runId, jobId };
}

describe("training on this browser's GPU", () => {
  it('trains 2,560 digits in the tab and the run names its adapter', () =>
    withApp('browser-gpu', async (app, page) => {
      await addMnist(page);
      await page.getByTestId('tab-train').click();
      const option = page.getByTestId('train-engine').locator('option[value="webgpu-browser"]');
      await option.waitFor({ state: 'attached' });
      expect(await option.textContent()).toBe("This browser's GPU");
      await fillSmallRun(page, 1, 2560);
      expect(await page.getByTestId('train-engine-adapter').textContent()).toBe('SwiftShader (software, slow)');
      expect(await page.getByTestId('train-engine-explain').textContent()).toMatch(/closing it interrupts the run/);
      await page.getByTestId('train-start').scrollIntoViewIfNeeded();
      await screenshotSizes(page, 'train-browser-gpu');
      const { runId, jobId } = await start(app, page);
      expect((await app.service.waitForJob(jobId)).status).toBe('done');
      const run = await call(app, 'runs:get', { runId });
      expect(run.status).toBe('done');
      expect(run.backend).toBe('webgpu-browser · SwiftShader (software, slow)');
      expect(run.epochsDone).toBe(1);
      expect(run.lastHeldOut).toBeGreaterThan(100);
      expect(run.lastHeldOut).toBeLessThan(550);
      await page.getByTestId('tab-runs').click();
      await page.getByText('webgpu-browser · SwiftShader (software, slow)').waitFor();
      await screenshotSizes(page, 'runs-browser-gpu');
    }));

  it('closing the tab interrupts the run; Resume in a new tab goes on in its GPU from the checkpoint', () =>
    withApp('browser-gpu-close', async (app, page) => {
      await addMnist(page);
      await page.getByTestId('tab-train').click();
      await fillSmallRun(page, 2, 256);
      const { runId, jobId } = await start(app, page);
      // the first epoch checkpointed, then the person closes the tab
      const deadline = Date.now() + 90_000;
      while ((await call(app, 'runs:get', { runId })).epochsDone < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await page.close();
      const ended = await app.service.waitForJob(jobId);
      const run = await call(app, 'runs:get', { runId });
      expect({ job: ended.status, status: run.status, error: run.error }).toEqual({
        job: 'done',
        status: 'interrupted',
        error: 'the browser tab it trained in was closed',
      });
      expect(run.epochsDone).toBeGreaterThanOrEqual(1);
      // the person opens the app again and presses Resume: the run goes on in this tab's GPU
      const again = await page.context().newPage();
      await again.goto(app.server.url);
      await again.getByTestId('tab-runs').click();
      await again.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).getByTestId('run-resume').click();
      const deadline2 = Date.now() + 30_000;
      let resumed: string | undefined;
      while (!resumed && Date.now() < deadline2) {
        resumed = (await call(app, 'jobs:list', {})).find((j) => j.kind === 'train')?.jobId;
        if (!resumed) await new Promise((r) => setTimeout(r, 100));
      }
      expect(resumed, 'Resume started no training').toBeDefined();
      expect((await app.service.waitForJob(resumed!)).status).toBe('done');
      const after = await call(app, 'runs:get', { runId });
      expect({ status: after.status, epochs: after.epochsDone, backend: after.backend }).toEqual({
        status: 'done',
        epochs: 2,
        backend: 'webgpu-browser · SwiftShader (software, slow)',
      });
    }));
});
