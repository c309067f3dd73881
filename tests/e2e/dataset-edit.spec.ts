// A dataset renamed in place (the field takes the focus, a taken name is said at the field), and
// its labels edited afterwards: one renamed, two merged by giving them one name; the chips, the
// counts and the service's images follow.
import { describe, expect, it } from 'vitest';
import { call, objectDataset, useBrowser } from './fixtures';
import { screenshotSizes } from './harness';

const { withApp } = useBrowser();
const activeTestid = (page: import('playwright-core').Page): Promise<string | null> =>
  page.evaluate(() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? null);

describe('editing a dataset', () => {
  it('renames it and renames and merges its labels', () =>
    withApp('dataset-edit', async (app, page) => {
      const id = await objectDataset(app, 'objects', 6, 3);
      await objectDataset(app, 'others', 2, 3);
      await page.reload();
      await page.getByTestId('sidebar-dataset').filter({ hasText: 'objects' }).click();
      await page.getByTestId('dataset-name').filter({ hasText: 'objects' }).waitFor();

      // rename: the field takes the focus; a taken name is refused at the field
      await page.getByTestId('dataset-rename').click();
      const input = page.getByTestId('dataset-rename-input');
      expect(await activeTestid(page)).toBe('dataset-rename-input');
      await input.fill('others');
      await input.press('Enter');
      expect(await page.getByTestId('dataset-rename-error').textContent()).toMatch(/“others” exists already/);
      await input.fill('shapes');
      await input.press('Enter');
      await page.getByTestId('dataset-name').filter({ hasText: 'shapes' }).waitFor();
      await page.getByTestId('sidebar-dataset').filter({ hasText: 'shapes' }).waitFor();

      // labels: obj2 merges into obj1, obj3 is renamed
      await page.getByTestId('labels-edit').click();
      await page.getByTestId('labels-dialog').waitFor();
      expect(await activeTestid(page)).toBe('label-name');
      const fields = page.getByTestId('label-name');
      expect(await fields.count()).toBe(6);
      await fields.nth(1).fill('obj1');
      await fields.nth(2).fill('three');
      await page.getByTestId('label-merge').filter({ hasText: 'merges into obj1' }).waitFor();
      expect(await page.getByTestId('labels-summary').textContent()).toBe('6 labels → 5');
      await screenshotSizes(page, 'dataset-labels-dialog');
      await page.getByTestId('labels-save').click();
      await page.getByTestId('labels-dialog').waitFor({ state: 'detached' });

      const chips = page.getByTestId('label-chip');
      await expect.poll(() => chips.count()).toBe(5);
      expect(await chips.allTextContents()).toEqual(['obj1 6', 'three 3', 'obj4 3', 'obj5 3', 'obj6 3']);
      await page.getByTestId('dataset-labels').filter({ hasText: '5 labels' }).waitFor();
      const ds = (await call(app, 'datasets:list', {})).find((d) => d.id === id)!;
      expect(ds.name).toBe('shapes');
      expect(ds.labelNames).toEqual(['obj1', 'three', 'obj4', 'obj5', 'obj6']);
      // the merged label's filter shows the images of both
      await chips.first().click();
      await page
        .locator('[data-testid="dataset-range"]')
        .filter({ hasText: /of 6\b/ })
        .waitFor();
      await screenshotSizes(page, 'dataset-relabelled');
    }));
});
