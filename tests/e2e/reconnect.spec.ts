// When the server goes away: one banner (not a stack of toasts), the client tries again with a
// growing wait by itself, and when a server is back on the same port the banner goes, the lists
// catch up with what changed meanwhile and the app works again. A real server, stopped and
// started again.
import { describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/main/server';
import { objectDataset, useBrowser } from './fixtures';
import { RENDERER_DIR, screenshotSizes } from './harness';

const { withApp } = useBrowser();

const shot = screenshotSizes;

describe('a lost server', () => {
  it('shows one banner, reconnects with back-off on its own and drops the banner when the server is back', () =>
    withApp('reconnect', async (app, page) => {
      await objectDataset(app, 'objects', 6, 3);
      await page.reload();
      await page.getByTestId('dataset-page').waitFor();
      const { port, token } = app.server;
      const attempts: number[] = [];
      page.on('websocket', () => attempts.push(Date.now()));

      await app.server.close();
      const banner = page.getByTestId('connection-banner');
      await banner.waitFor();
      expect(await banner.getAttribute('data-state')).toBe('reconnecting');
      // what a person does meanwhile: the calls wait or fail quietly, no toasts
      await page.getByTestId('tab-runs').click();
      await page.getByTestId('tab-explore').click();
      await page.getByTestId('tab-datasets').click();
      // several tries, each wait longer than the one before
      await expect.poll(() => attempts.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
      const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
      expect(gaps.at(-1)!).toBeGreaterThan(gaps[0]!);
      expect(await banner.count()).toBe(1);
      expect(await page.getByTestId('toast-error').count()).toBe(0);
      await shot(page, 'reconnect-banner');

      // a dataset added while the page was cut off
      await objectDataset(app, 'meanwhile', 4, 3);
      let again: RunningServer | undefined;
      try {
        again = await startServer({ service: app.service, port, token, rendererDir: RENDERER_DIR });
        await banner.waitFor({ state: 'detached', timeout: 20_000 });
        await page.getByTestId('sidebar-dataset').filter({ hasText: 'meanwhile' }).waitFor();
        await page.getByTestId('sidebar-dataset').filter({ hasText: 'meanwhile' }).click();
        await page.getByTestId('dataset-name').filter({ hasText: 'meanwhile' }).waitFor();
        expect(await page.getByTestId('toast-error').count()).toBe(0);
        expect(await page.getByTestId('status-line').textContent()).toMatch(/Ready/);
      } finally {
        await again?.close();
      }
      // Chromium itself logs each refused try; nothing of ours logged an error
      const refused = /^console: WebSocket connection to .* failed: .*ERR_CONNECTION_REFUSED$/;
      expect(app.pageErrors.filter((e) => refused.test(e)).length).toBeGreaterThanOrEqual(3);
      app.pageErrors.splice(0, app.pageErrors.length, ...app.pageErrors.filter((e) => !refused.test(e)));
    }));
});
