// The Train form's errors are words at the field, for the basic fields and for every number
// folded under "Advanced" (hidden sizes, warm-up, k, the HVAE's sizes, the images used): each
// invalid one marked and said, the section opened when one is inside it, and nothing sent to the
// server while one stands, even when Space asks to start. The bounds in the expected sentences are
// read from shared/limits.ts, as the form reads them.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TRAIN_LIMITS as L } from '../../src/shared/limits';
import { objectDataset, useBrowser } from './fixtures';
import { screenshot } from './harness';

const { withApp } = useBrowser();

/** The methods the page calls over its WebSocket, in order, from the next page load on. */
function callsSent(page: Page): string[] {
  const methods: string[] = [];
  page.on('websocket', (ws) =>
    ws.on('framesent', (f) => {
      const text = typeof f.payload === 'string' ? f.payload : f.payload.toString('latin1');
      const m = /"t":"call"[^]*?"method":"([^"]+)"/.exec(text) ?? /"method":"([^"]+)"[^]*?"t":"call"/.exec(text);
      if (m) methods.push(m[1]!);
    }),
  );
  return methods;
}

/** The error said at a field, its input marked invalid and pointing at it. */
async function expectFieldError(page: Page, field: string, input: string, msg: string): Promise<void> {
  const err = page.getByTestId(`field-error-${field}`);
  await err.waitFor();
  expect(await err.textContent(), field).toBe(msg);
  expect(await page.getByTestId(input).getAttribute('aria-invalid'), `${input} marked`).toBe('true');
  expect(await page.getByTestId(input).getAttribute('aria-describedby'), `${input} described`).toBe(`err-${field}`);
}

const isOpen = (page: Page): Promise<boolean> =>
  page.locator('details:has([data-testid="train-advanced"])').evaluate((d) => (d as HTMLDetailsElement).open);
const focused = (page: Page): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
/** Space with the focus on nothing that takes it: the app's start/cancel shortcut. */
async function pressStart(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Space');
}

/** Screenshots at 1440x900 and 1024x700 with the element at the top of its scroller, so the fields under it show. */
async function shotsOf(page: Page, testid: string, name: string): Promise<void> {
  for (const [width, height] of [
    [1440, 900],
    [1024, 700],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.getByTestId(testid).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe('Train form errors', () => {
  it('says what is wrong with the basic fields in words, at each field', () =>
    withApp('fields', async (app, page) => {
      await objectDataset(app, 'objects', 4, 3);
      await page.reload();
      await page.getByTestId('tab-train').click();
      await page.getByTestId('train-latent').fill('1');
      const latent = page.getByTestId('field-error-latent');
      await latent.waitFor();
      expect(await latent.textContent()).toBe('Latent size must be 2 or more');
      expect(await page.getByTestId('train-latent').getAttribute('aria-invalid')).toBe('true');
      await page.getByTestId('train-epochs').fill('0');
      expect(await page.getByTestId('field-error-epochs').textContent()).toBe('Epochs must be 1 or more');
      await page.getByTestId('train-lr').fill('');
      expect(await page.getByTestId('field-error-lr').textContent()).toBe('Learning rate must be a number');
      expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
      await screenshot(page, 'train-field-errors');
      await page.getByTestId('train-latent').fill('8');
      await latent.waitFor({ state: 'detached' });
      expect(await page.getByTestId('train-latent').getAttribute('aria-invalid')).toBe('false');
      await page.getByTestId('train-epochs').fill('1');
      await page.getByTestId('train-lr').fill('0.001');
      expect(await page.getByTestId('train-start').isDisabled()).toBe(false);
    }));

  it('says what is wrong with every advanced field, opens the section for it and sends nothing', () =>
    withApp('advanced-fields', async (app, page) => {
      await objectDataset(app, 'objects', 4, 3);
      const sent = callsSent(page);
      await page.reload();
      await page.getByTestId('tab-train').click();
      await page.getByTestId('train-model-vae').click();
      await page.getByTestId('train-advanced').click();

      await page.getByTestId('train-hidden').fill(`${L.hiddenWidth.min - 1}, 256`);
      await expectFieldError(page, 'hidden', 'train-hidden', `Each hidden size must be ${L.hiddenWidth.min} or more`);
      await page.getByTestId('train-hidden').fill(
        Array(L.hiddenLayers.max + 1)
          .fill('64')
          .join(', '),
      );
      await expectFieldError(page, 'hidden', 'train-hidden', `Hidden sizes: ${L.hiddenLayers.max} layers at most`);
      await page.getByTestId('train-hidden').fill('128, wide');
      await expectFieldError(page, 'hidden', 'train-hidden', 'Hidden sizes must be numbers, separated by commas');
      await page.getByTestId('train-warmup').fill(String(L.warmup.max + 1));
      await expectFieldError(page, 'warmup', 'train-warmup', `Warm-up must be ${L.warmup.max} or less`);
      await page.getByTestId('train-objective').selectOption('iwae');
      await page.getByTestId('train-k').fill(String(L.k.max + 1));
      await expectFieldError(page, 'k', 'train-k', `Samples (k) must be ${L.k.max} or less`);
      await page.getByTestId('train-limit').fill(String(L.limit.min - 1));
      await expectFieldError(page, 'limit', 'train-limit', `Images used must be ${L.limit.min} or more`);
      expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
      await shotsOf(page, 'train-advanced', 'train-field-errors-advanced');

      // Space asks to start: nothing goes out, the first field to fix takes the focus
      await pressStart(page);
      await expect.poll(() => focused(page)).toBe('train-hidden');
      // closed, the section says how many fields it holds to fix; Space opens it on the first
      await page.getByTestId('train-advanced').click();
      expect(await isOpen(page)).toBe(false);
      expect(await page.getByTestId('train-advanced-errors').textContent()).toMatch(/· 4 fields to fix/);
      await pressStart(page);
      await expect.poll(() => isOpen(page)).toBe(true);
      await expect.poll(() => focused(page)).toBe('train-hidden');

      // fixed, each error goes and its field is unmarked
      await page.getByTestId('train-hidden').fill('128');
      await page.getByTestId('train-warmup').fill('3');
      await page.getByTestId('train-k').fill('5');
      await page.getByTestId('train-limit').fill('100');
      for (const f of ['hidden', 'warmup', 'k', 'limit']) await page.getByTestId(`field-error-${f}`).waitFor({ state: 'detached' });
      expect(await page.getByTestId('train-warmup').getAttribute('aria-invalid')).toBe('false');
      await expect.poll(() => page.getByTestId('train-start').isDisabled()).toBe(false);

      // the HVAE's level sizes, each said at the sizes' field
      await page.getByTestId('train-model-hvae').click();
      await page.getByTestId('train-levels').selectOption(String(L.levels.max));
      await page.getByTestId('train-latent2').fill(String(L.latent2.max + 1));
      await page.getByTestId('train-latent3').fill(String(L.latent2.min - 1));
      await page.getByTestId('train-latent4').fill('2.5');
      await expectFieldError(page, 'latent2', 'train-latent2', `Size of z2 must be ${L.latent2.max} or less`);
      await expectFieldError(page, 'latent3', 'train-latent3', `Size of z3 must be ${L.latent2.min} or more`);
      await expectFieldError(page, 'latent4', 'train-latent4', 'Size of z4 must be a whole number');
      expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
      await shotsOf(page, 'train-advanced', 'train-field-errors-hvae');
      // a model that does not send them is not held up by them...
      await page.getByTestId('train-model-vae').click();
      await page.getByTestId('field-error-latent2').waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('train-start').isDisabled()).toBe(false);
      // ...and back on the HVAE with the section closed, they open it
      await page.getByTestId('train-advanced').click();
      expect(await isOpen(page)).toBe(false);
      await page.getByTestId('train-model-hvae').click();
      await expect.poll(() => isOpen(page)).toBe(true);
      await page.getByTestId('field-error-latent2').waitFor();
      await pressStart(page);
      await expect.poll(() => focused(page)).toBe('train-latent2');

      // the listener saw the page's calls, and none of them was a start
      expect(sent).toContain('datasets:list');
      expect(sent).not.toContain('runs:start');
      expect((await app.service['runs:list']({})).length).toBe(0);
    }));
});
