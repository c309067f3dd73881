// Every view at 1024x700 and 1440x900: nothing overlaps, the Runs table's actions are on screen,
// and a screenshot of each is saved to look at. (The Train form's errors: train-field-errors.spec.ts.)
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { objectDataset, train, useBrowser } from './fixtures';
import { screenshot } from './harness';

const { withApp } = useBrowser();

/** Pairs of visible controls and texts whose boxes overlap (neither inside the other), each box
 *  cut to what its scrolling ancestors show. A frozen (sticky) column covering cells that scroll
 *  under it is by design and not counted. */
async function overlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Box = { l: number; t: number; r: number; b: number };
    const sel = 'button, input, select, label, h1, h2, h3, p, summary, [data-testid]';
    const shown: { el: HTMLElement; box: Box; sticky: boolean }[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(sel))) {
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      if (r.width < 2 || r.height < 2 || st.visibility === 'hidden' || st.opacity === '0') continue;
      // a closed <details> keeps its content laid out but not shown (content-visibility)
      const closed = el.closest('details:not([open])');
      if (closed && !el.closest('summary')) continue;
      const box: Box = {
        l: Math.max(r.left, 0),
        t: Math.max(r.top, 0),
        r: Math.min(r.right, innerWidth),
        b: Math.min(r.bottom, innerHeight),
      };
      let sticky = st.position === 'sticky';
      for (let a = el.parentElement; a; a = a.parentElement) {
        const as = getComputedStyle(a);
        if (as.position === 'sticky') sticky = true;
        if (as.overflow === 'visible') continue;
        const ar = a.getBoundingClientRect();
        box.l = Math.max(box.l, ar.left);
        box.t = Math.max(box.t, ar.top);
        box.r = Math.min(box.r, ar.right);
        box.b = Math.min(box.b, ar.bottom);
      }
      if (box.r - box.l > 2 && box.b - box.t > 2) shown.push({ el, box, sticky });
    }
    const name = (el: HTMLElement): string =>
      `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''}"${(el.textContent ?? '').trim().slice(0, 24)}"`;
    const out: string[] = [];
    for (let i = 0; i < shown.length; i++)
      for (let j = i + 1; j < shown.length; j++) {
        const a = shown[i]!;
        const b = shown[j]!;
        if (a.el.contains(b.el) || b.el.contains(a.el) || a.sticky !== b.sticky) continue;
        const w = Math.min(a.box.r, b.box.r) - Math.max(a.box.l, b.box.l);
        const h = Math.min(a.box.b, b.box.b) - Math.max(a.box.t, b.box.t);
        if (w > 2 && h > 2) out.push(`${name(a.el)} x ${name(b.el)} (${Math.round(w)}x${Math.round(h)})`);
      }
    return out;
  });
}

/** The element's box lies inside the viewport and inside every clipping ancestor. */
async function fullyShown(page: Page, testid: string): Promise<boolean[]> {
  return page.getByTestId(testid).evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      if (r.right > innerWidth + 0.5 || r.left < -0.5) return false;
      for (let a = el.parentElement; a; a = a.parentElement) {
        if (getComputedStyle(a).overflowX === 'visible') continue;
        const ar = a.getBoundingClientRect();
        if (r.right > ar.right + 0.5 || r.left < ar.left - 0.5) return false;
      }
      return true;
    }),
  );
}

describe('layout', () => {
  it('fits every view at 1024x700 and 1440x900', () =>
    withApp('layout', async (app, page) => {
      const ds = await objectDataset(app, 'objects', 40, 3);
      await train(app, ds, { model: 'ae', latent: 4, hidden: [32], epochs: 1, batch: 16 });
      await train(app, ds, { model: 'vae', latent: 4, hidden: [32], epochs: 1, batch: 16 });
      await page.reload();
      const found: string[] = [];
      for (const [w, h] of [
        [1024, 700],
        [1440, 900],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        const views: [string, () => Promise<void>][] = [
          ['datasets', async () => void (await page.getByTestId('sidebar-dataset').first().click())],
          [
            'train',
            async () => {
              // a finished run on show: its epoch strips must fit the panel
              await page.getByTestId('sidebar-run').first().click();
              await page.getByTestId('tab-train').click();
            },
          ],
          ['explore', async () => void (await page.getByTestId('tab-explore').click())],
          ['runs', async () => void (await page.getByTestId('tab-runs').click())],
        ];
        for (const [view, open] of views) {
          await open();
          await page.getByTestId(view === 'datasets' ? 'dataset-page' : `view-${view}`).waitFor();
          if (view === 'explore') await page.getByTestId('sweep-canvas').waitFor();
          if (view === 'explore' && h === 700) {
            // a short window: the sweep takes the height (it was 325 px, the tab panel 120 px
            // below it), the tab bar stays in sight at the foot, and a tab brings its panel up
            const sweep = (await page.getByTestId('sweep-canvas').boundingBox())!;
            expect(sweep.height, 'the sweep at 1024x700').toBeGreaterThanOrEqual(420);
            const tab = page.getByTestId('explore-tab-recon');
            const bar = (await tab.boundingBox())!;
            const foot = (await page.getByTestId(`view-${view}`).boundingBox())!;
            expect(bar.y + bar.height, 'the tab bar in sight').toBeLessThanOrEqual(foot.y + foot.height);
            await tab.click();
            // scrolled up until the bar is at the top or the panel below it is all in sight
            const pane = page.getByTestId(`view-${view}`);
            await expect
              .poll(
                () =>
                  pane.evaluate((v) => {
                    const bar = v.querySelector('[role="tablist"]')!.getBoundingClientRect().top - v.getBoundingClientRect().top;
                    return bar < 4 || v.scrollTop + v.clientHeight >= v.scrollHeight - 1;
                  }),
                { interval: 100 },
              )
              .toBe(true);
            expect(await pane.evaluate((v) => v.scrollTop), 'the view scrolled').toBeGreaterThan(50);
            await screenshot(page, `layout-explore-panel-${w}x${h}`);
            await pane.evaluate((el) => el.scrollTo(0, 0));
          }
          if (view === 'explore' && h === 900) {
            // a tall window shows the panel already: a tab leaves the sweep where it is
            await page.getByTestId('explore-tab-recon').click();
            await page.waitForTimeout(400);
            expect(await page.getByTestId(`view-${view}`).evaluate((v) => v.scrollTop), 'no scroll at 1440x900').toBe(0);
          }
          if (view === 'train') {
            await page.getByTestId('strip-recon').waitFor();
            for (const strip of ['strip-recon', 'strip-samples'])
              expect(await fullyShown(page, strip), `${strip} at ${w}x${h}`).toEqual([true]);
          }
          if (view === 'runs') {
            await page.getByTestId('run-delete').first().waitFor();
            expect(await fullyShown(page, 'run-delete'), `Runs actions at ${w}x${h}`).toEqual([true, true]);
            expect(await fullyShown(page, 'run-rename'), `Runs actions at ${w}x${h}`).toEqual([true, true]);
            // and the figures are not under the frozen actions column
            const edge = (await page.locator('th.actions').boundingBox())!.x;
            // each figure under its own header
            for (const [head, cell] of [
              ['sort-latent', 'run-latent'],
              ['sort-bpd', 'run-bpd'],
              ['sort-seconds', 'run-time'],
            ] as const) {
              const hb = (await page.getByTestId(head).locator('xpath=ancestor::th').boundingBox())!;
              const cb = (await page.getByTestId(cell).first().locator('xpath=ancestor-or-self::td').boundingBox())!;
              expect(Math.abs(cb.x - hb.x), `${cell} under ${head} at ${w}x${h}`).toBeLessThan(2);
            }
            for (const col of ['sort-latent', 'sort-bestHeldOut', 'sort-bpd', 'sort-psnr', 'sort-seconds']) {
              const b = (await page.getByTestId(col).boundingBox())!;
              expect(b.x + b.width, `${col} at ${w}x${h}`).toBeLessThanOrEqual(edge + 0.5);
            }
          }
          await screenshot(page, `layout-${view}-${w}x${h}`);
          for (const o of await overlaps(page)) found.push(`${view} at ${w}x${h}: ${o}`);
        }
      }
      expect(found).toEqual([]);
    }));
});
