// The dataset page's label chips at 1024x700 and 1440x900: with 40 labels (the AT&T faces, or
// generated objects named by file) and with 100, no chip is cut in half by the strip that holds
// them. At rest each chip is either wholly shown or wholly past the strip's scroll edge, and every
// one scrolled into view is wholly inside the strip and the window.
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { call, objectDataset, useBrowser } from './fixtures';
import { FACES, screenshot } from './harness';
import type { AppUnderTest } from './harness';

const { withApp } = useBrowser();

const SIZES = [
  [1440, 900],
  [1024, 700],
] as const;

interface ChipsSeen {
  chips: number;
  /** chips partly inside and partly outside what their clipping ancestors and the window show */
  cutAtRest: string[];
  /** chips wholly past the strip's edge at rest (reachable by scrolling) */
  pastEdgeAtRest: number;
  /** chips not wholly shown after scrollIntoView */
  hiddenAfterScroll: string[];
}

/** Every chip of the strip, first at rest, then each scrolled into view. */
async function chipsSeen(page: Page): Promise<ChipsSeen> {
  return page.getByTestId('label-chips').evaluate(async (strip) => {
    type Box = { l: number; t: number; r: number; b: number };
    /** what the window and every clipping ancestor of `el` leave visible */
    const visibleArea = (el: Element): Box => {
      const v: Box = { l: 0, t: 0, r: innerWidth, b: innerHeight };
      for (let a = el.parentElement; a; a = a.parentElement) {
        if (getComputedStyle(a).overflow === 'visible') continue;
        const r = a.getBoundingClientRect();
        // the ancestor's scrollbars are not part of what it shows
        const right = r.left + a.clientLeft + a.clientWidth;
        const bottom = r.top + a.clientTop + a.clientHeight;
        v.l = Math.max(v.l, r.left);
        v.t = Math.max(v.t, r.top);
        v.r = Math.min(v.r, right);
        v.b = Math.min(v.b, bottom);
      }
      return v;
    };
    const EPS = 0.5;
    const inside = (r: DOMRect, v: Box): boolean =>
      r.left >= v.l - EPS && r.right <= v.r + EPS && r.top >= v.t - EPS && r.bottom <= v.b + EPS;
    const outside = (r: DOMRect, v: Box): boolean =>
      r.right <= v.l + EPS || r.left >= v.r - EPS || r.bottom <= v.t + EPS || r.top >= v.b - EPS;
    const name = (el: Element): string => (el.textContent ?? '').trim().replace(/\s+/g, ' ');
    const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));

    const scrollers: [Element, number][] = [];
    for (let a: Element | null = strip; a; a = a.parentElement) scrollers.push([a, a.scrollTop]);
    const chips = Array.from(strip.querySelectorAll('.chip'));
    const cutAtRest: string[] = [];
    let pastEdgeAtRest = 0;
    for (const c of chips) {
      const r = c.getBoundingClientRect();
      const v = visibleArea(c);
      if (outside(r, v)) pastEdgeAtRest++;
      else if (!inside(r, v)) cutAtRest.push(`${name(c)} (${Math.round(v.b - r.top)} of ${Math.round(r.height)} px shown)`);
    }
    const hiddenAfterScroll: string[] = [];
    for (const c of chips) {
      c.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      // a snapping scroller settles after the scroll
      await frame();
      await frame();
      if (!inside(c.getBoundingClientRect(), visibleArea(c))) hiddenAfterScroll.push(name(c));
    }
    // back to rest for the screenshot
    for (const [a, top] of scrollers) a.scrollTop = top;
    await frame();
    return { chips: chips.length, cutAtRest, pastEdgeAtRest, hiddenAfterScroll };
  });
}

/** Opens the dataset's page and checks its chips at both sizes, saving a screenshot at each. With
 *  rows past the strip's edge, "Show all" lifts the cap and every chip shows without scrolling. */
async function checkChips(app: AppUnderTest, datasetId: number, labels: number, shot: string): Promise<void> {
  const { page } = app;
  const ds = (await call(app, 'datasets:list', {})).find((d) => d.id === datasetId)!;
  expect(ds.labelNames.length).toBe(labels);
  await page.reload();
  await page.getByTestId('sidebar-dataset').filter({ hasText: ds.name }).click();
  await page.getByTestId('dataset-name').filter({ hasText: ds.name }).waitFor();
  await expect.poll(() => page.getByTestId('label-chip').count()).toBe(labels);
  const toggle = page.getByTestId('label-chips-toggle');
  for (const [width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    const seen = await chipsSeen(page);
    expect(seen.chips, `chips at ${width}x${height}`).toBe(labels + 1);
    expect(seen.cutAtRest, `chips cut at rest at ${width}x${height}`).toEqual([]);
    expect(seen.hiddenAfterScroll, `chips not reachable at ${width}x${height}`).toEqual([]);
    await screenshot(page, `${shot}-${width}`);
    // more rows than the strip shows: it says so, and shows them all on asking
    if (seen.pastEdgeAtRest > 0) {
      await toggle.filter({ hasText: `Show all ${labels} labels` }).click();
      const all = await chipsSeen(page);
      expect(all.cutAtRest, `chips cut when all are shown at ${width}x${height}`).toEqual([]);
      expect(all.pastEdgeAtRest, `chips past the edge when all are shown at ${width}x${height}`).toBe(0);
      await screenshot(page, `${shot}-all-${width}`);
      await toggle.filter({ hasText: 'Show fewer labels' }).click();
    } else await expect.poll(() => toggle.count(), { message: `no "Show all" at ${width}x${height}` }).toBe(0);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe('label chips', () => {
  it('shows every one of 40 and of 100 labels whole, or reachable by scrolling', () =>
    withApp('chips', async (app) => {
      const forty = await objectDataset(app, 'objects', 40, 2);
      await checkChips(app, forty, 40, 'label-chips-40');
      const hundred = await objectDataset(app, 'many', 100, 1);
      await checkChips(app, hundred, 100, 'label-chips-100');
    }));

  it.skipIf(!existsSync(FACES))(`shows the 40 faces' labels whole${existsSync(FACES) ? '' : ` (skipped: ${FACES} is absent)`}`, () =>
    withApp('chips-faces', async (app) => {
      const imp = await call(app, 'datasets:import', { kind: 'folder', path: FACES, name: 'faces', side: 32 });
      const done = await app.service.waitForJob(imp.jobId);
      if (done.status !== 'done' || done.datasetId === undefined) throw new Error(`faces import: ${done.message}`);
      await checkChips(app, done.datasetId, 40, 'label-chips-faces');
    }),
  );
});
