// The import sheet, as a new user meets it in browser mode: labels from file names in a flat
// folder (`obj1__0.png`, ...), with a preview of the labels found and their counts; the
// folder browser and path completion from the server's own listing.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { useBrowser } from './fixtures';
import { screenshot, screenshotSizes } from './harness';

const { withApp } = useBrowser();

/** A flat folder of `obj<o>__<view>.png`: `objects` objects, `views` views each, grey. */
async function objectFolder(dir: string, objects: number[], views: number, width = 24, height = width): Promise<string> {
  mkdirSync(dir, { recursive: true });
  for (const o of objects)
    for (let v = 0; v < views; v++) {
      const level = 60 + ((o * 37 + v * 11) % 180);
      const png = await sharp({ create: { width, height, channels: 3, background: { r: level, g: level, b: level } } })
        .png()
        .toBuffer();
      writeFileSync(join(dir, `obj${o}__${v * 5}.png`), png);
    }
  return dir;
}

describe('labels from file names', () => {
  it('proposes the file names for a flat folder, previews labels and counts, takes a regex, and imports them', () =>
    withApp('names', async (app, page) => {
      const folder = await objectFolder(join(app.dataDir, 'objects'), [1, 2, 3, 12, 40], 4);
      await page.getByTestId('empty-import').click();
      await page.getByTestId('import-path').fill(folder);
      await page.getByTestId('import-probe').filter({ hasText: '20 images' }).waitFor();
      // no subfolders, but the names hold labels: the sheet switches to the file-name pattern
      await expect.poll(() => page.getByTestId('import-labels-from-pattern').getAttribute('aria-checked')).toBe('true');
      const preview = page.getByTestId('import-label-preview');
      await preview.filter({ hasText: '5 labels' }).waitFor();
      expect(await page.getByTestId('import-label-chip').allTextContents()).toEqual(['obj1 4', 'obj2 4', 'obj3 4', 'obj12 4', 'obj40 4']);
      await screenshot(page, 'import-labels-from-names');

      // a regex with one group: the view numbers become the labels
      await page.getByTestId('import-pattern').fill('__(\\d+)\\.png$');
      await preview.filter({ hasText: '4 labels' }).waitFor();
      expect(await page.getByTestId('import-label-chip').allTextContents()).toEqual(['0 5', '5 5', '10 5', '15 5']);
      // a pattern with no group says what is wrong, at the field
      await page.getByTestId('import-pattern').fill('obj\\d+');
      await page.getByTestId('import-pattern-error').filter({ hasText: 'Label pattern: needs exactly one group' }).waitFor();
      await page.getByTestId('import-pattern').fill('');
      await preview.filter({ hasText: '5 labels' }).waitFor();

      await page.getByTestId('import-start').click();
      await page.getByTestId('dataset-page').waitFor();
      expect(await page.getByTestId('dataset-count').textContent()).toBe('20 images');
      expect(await page.getByTestId('dataset-labels').textContent()).toBe('5 labels');
    }));

  it('keeps subfolders for a folder that has them, and imports no labels when asked', () =>
    withApp('nolabels', async (app, page) => {
      const root = join(app.dataDir, 'sorted');
      await objectFolder(join(root, 'a'), [1], 3);
      await objectFolder(join(root, 'b'), [2], 3);
      await page.getByTestId('empty-import').click();
      await page.getByTestId('import-path').fill(root);
      await page.getByTestId('import-label-preview').filter({ hasText: '2 labels' }).waitFor();
      expect(await page.getByTestId('import-labels-from-subfolders').getAttribute('aria-checked')).toBe('true');
      expect(await page.getByTestId('import-label-chip').allTextContents()).toEqual(['a 3', 'b 3']);
      await page.getByTestId('import-labels-from-none').click();
      await page.getByTestId('import-probe').filter({ hasText: 'no labels' }).waitFor();
      await page.getByTestId('import-start').click();
      await page.getByTestId('dataset-page').waitFor();
      expect(await page.getByTestId('dataset-count').textContent()).toBe('6 images');
      expect(await page.getByTestId('dataset-labels').textContent()).toBe('0 labels');
    }));
});

describe('the folder browser (browser mode)', () => {
  it('says "type or browse", completes a typed path and browses from home to a folder', () =>
    withApp('browse', async (app, page) => {
      const library = join(app.dataDir, 'library');
      await objectFolder(join(library, 'faces-small', 's1'), [1], 2);
      await objectFolder(join(library, 'flat-objects'), [1, 2], 3);
      mkdirSync(join(library, '.secret'));
      // browser mode cannot take a drop: the empty state does not promise one
      expect(await page.getByTestId('datasets-empty').textContent()).toContain('Type or browse to a folder of images on the server');
      expect(await page.getByTestId('datasets-empty').textContent()).not.toContain('Drop a folder');

      await page.getByTestId('empty-import').click();
      const input = page.getByTestId('import-path');
      await input.fill(join(library, 'f'));
      const suggestions = page.getByTestId('import-path-suggestions');
      await suggestions.filter({ hasText: 'flat-objects/' }).waitFor();
      expect(await suggestions.getByRole('option').allTextContents()).toEqual(['faces-small/', 'flat-objects/']);
      await input.press('ArrowDown');
      await input.press('Tab');
      expect(await input.inputValue()).toBe(`${join(library, 'faces-small')}/`);
      await page.getByTestId('import-probe').filter({ hasText: '2 images' }).waitFor();

      // Browse with an empty field starts at the home folder
      await input.fill('');
      await page.getByTestId('import-path-browse').click();
      await page.getByTestId('browser-path').filter({ hasText: homedir() }).waitFor();
      await page.getByTestId('import-path-browse').click(); // closes it
      await page.getByTestId('folder-browser').waitFor({ state: 'detached' });
      // ... and at the typed folder when there is one; hidden folders are not listed
      await input.fill(app.dataDir);
      await page.getByTestId('import-path-browse').click();
      await page.getByTestId('browser-path').filter({ hasText: app.dataDir }).waitFor();
      await page.getByTestId('browser-entry').filter({ hasText: 'library' }).click();
      await page.getByTestId('browser-path').filter({ hasText: library }).waitFor();
      expect(await page.getByTestId('browser-entry').allTextContents()).toEqual(['📁 faces-small', '📁 flat-objects']);
      await page.getByTestId('browser-entry').filter({ hasText: 'flat-objects' }).click();
      await page.getByTestId('folder-browser').filter({ hasText: '6 images here' }).waitFor();
      await screenshot(page, 'import-folder-browser');
      await page.getByTestId('browser-choose').click();
      await page.getByTestId('folder-browser').waitFor({ state: 'detached' });
      expect(await input.inputValue()).toBe(join(library, 'flat-objects'));
      await page.getByTestId('import-probe').filter({ hasText: '6 images' }).waitFor();
    }));
});

describe('import sheet defects', () => {
  it('lets the name follow the path until it is typed, and shows a taken name at the field with a free one', () =>
    withApp('name', async (app, page) => {
      const folder = await objectFolder(join(app.dataDir, 'objects'), [1, 2], 2);
      await page.getByTestId('empty-import').click();
      const name = page.getByTestId('import-name');
      await page.getByTestId('import-path').fill(join(app.dataDir, 'emptydir'));
      expect(await name.inputValue()).toBe('emptydir');
      await page.getByTestId('import-path').fill(folder);
      expect(await name.inputValue()).toBe('objects');
      await page.getByTestId('import-probe').filter({ hasText: '4 images' }).waitFor();
      await page.getByTestId('import-start').click();
      await page.getByTestId('dataset-page').waitFor();
      expect(await page.getByTestId('dataset-name').textContent()).toBe('objects');

      // the same folder again: the name is taken; said at the field, Import waits, a free name is offered
      await page.getByTestId('sidebar-import').click();
      await page.getByTestId('import-path').fill(folder);
      const error = page.getByTestId('import-name-error');
      await error.filter({ hasText: 'A dataset named "objects" exists already.' }).waitFor();
      await page.getByTestId('import-probe').filter({ hasText: '4 images' }).waitFor();
      expect(await page.getByTestId('import-start').isDisabled()).toBe(true);
      await screenshot(page, 'import-name-taken');
      await page.getByTestId('import-name-suggest').click();
      expect(await name.inputValue()).toBe('objects (2)');
      await error.waitFor({ state: 'detached' });
      // a typed name stays when the path changes
      await name.fill('my objects');
      await page.getByTestId('import-path').fill(join(app.dataDir, 'elsewhere'));
      await page.getByTestId('import-path').fill(folder);
      expect(await name.inputValue()).toBe('my objects');
      await page.getByTestId('import-probe').filter({ hasText: '4 images' }).waitFor();
      await page.getByTestId('import-start').click();
      await page.getByTestId('dataset-name').filter({ hasText: 'my objects' }).waitFor();
    }));

  it('proposes the median side when small, else the nearest common one, and shows fit and crop on a wide image', () =>
    withApp('side', async (app, page) => {
      const small = await objectFolder(join(app.dataDir, 'small'), [1, 2], 2, 24);
      const wide = await objectFolder(join(app.dataDir, 'wide'), [1, 2], 2, 60, 40);
      await page.getByTestId('empty-import').click();
      await page.getByTestId('import-path').fill(small);
      await page.getByTestId('import-probe').filter({ hasText: '4 images' }).waitFor();
      await expect.poll(() => page.getByTestId('import-side').inputValue()).toBe('24');
      expect(await page.getByTestId('import-resize-explain').count()).toBe(0); // square: nothing to explain
      await page.getByTestId('import-path').fill(wide);
      await page.getByTestId('import-probe').filter({ hasText: 'median side 60 px' }).waitFor();
      await expect.poll(() => page.getByTestId('import-side').inputValue()).toBe('32'); // 40 is nearest 32
      const explain = page.getByTestId('import-resize-explain');
      await explain.waitFor();
      expect(await explain.textContent()).toMatch(/not square \(60 × 40\).*Fit.*black bars.*crop.*cuts off the left and right/s);
      // fit leaves black bars above and below; crop fills the square
      const rows = async (id: string): Promise<[number, number]> =>
        page.evaluate((tid) => {
          const c = document.querySelector<HTMLCanvasElement>(`[data-testid="${tid}"] canvas, canvas[data-testid="${tid}"]`)!;
          const ctx = c.getContext('2d')!;
          return [
            ctx.getImageData(Math.floor(c.width / 2), 0, 1, 1).data[0]!,
            ctx.getImageData(Math.floor(c.width / 2), Math.floor(c.height / 2), 1, 1).data[0]!,
          ];
        }, id);
      const [fitTop, fitMid] = await rows('import-thumb-fit');
      const [cropTop, cropMid] = await rows('import-thumb-crop');
      expect(fitTop).toBeLessThan(10);
      expect(fitMid).toBeGreaterThan(50);
      expect(cropTop).toBeGreaterThan(50);
      expect(cropMid).toBeGreaterThan(50);
      await page.getByTestId('import-resize-crop-thumb').click();
      expect(await page.getByTestId('import-resize-crop').getAttribute('aria-checked')).toBe('true');
      await screenshot(page, 'import-fit-crop');
    }));

  it('says when no file named as an image is one, shows thumbnails of those that are, and drops an old error for a new folder', () =>
    withApp('unreadable', async (app, page) => {
      // text files named .png: not "3 images, median side 0 px" with Import enabled
      const fake = join(app.dataDir, 'fake');
      mkdirSync(fake, { recursive: true });
      for (const n of ['a', 'b', 'c']) writeFileSync(join(fake, `${n}.png`), 'just some text\n');
      await page.getByTestId('empty-import').click();
      await page.getByTestId('import-path').fill(fake);
      const unreadable = page.getByTestId('import-unreadable');
      await unreadable.filter({ hasText: 'None of the 3 files looked at could be read as an image' }).waitFor();
      expect(await unreadable.textContent()).toContain(join(fake, 'a.png'));
      expect(await page.getByTestId('import-start').isDisabled()).toBe(true);
      await screenshotSizes(page, 'import-unreadable');

      // browsing from a path that is no folder opens the browser at home; a folder typed then is
      // the choice, and the browser showing home goes
      await page.getByTestId('import-path').fill(join(app.dataDir, 'nowhere'));
      await page.getByTestId('import-probe').filter({ hasText: 'does not exist' }).waitFor();
      await page.getByTestId('import-path-browse').click();
      await page.getByTestId('folder-browser').waitFor();

      // a new, valid folder: the old folder's error goes, its images show as thumbnails
      const good = await objectFolder(join(app.dataDir, 'good'), [1, 2, 3], 2);
      await page.getByTestId('import-path').fill(good);
      await page.getByTestId('folder-browser').waitFor({ state: 'detached' });
      await page.getByTestId('import-probe').filter({ hasText: '6 images' }).waitFor();
      expect(await unreadable.count()).toBe(0);
      const thumbs = page.locator('[data-testid="import-thumbs"] canvas, canvas[data-testid="import-thumbs"]');
      await thumbs.waitFor();
      expect(await thumbs.evaluate((c) => (c as HTMLCanvasElement).width)).toBeGreaterThanOrEqual(6 * 32);
      expect(await page.getByTestId('import-start').isDisabled()).toBe(false);
      await screenshotSizes(page, 'import-thumbs');
    }));

  it("drops a failed import's message when the next folder is typed", () =>
    withApp('stale-result', async (app, page) => {
      // images that turn into text between the look and the import: the import fails and says so
      const spoilt = await objectFolder(join(app.dataDir, 'spoilt'), [1, 2], 2);
      await page.getByTestId('empty-import').click();
      await page.getByTestId('import-path').fill(spoilt);
      await page.getByTestId('import-probe').filter({ hasText: '4 images' }).waitFor();
      for (const f of readdirSync(spoilt)) writeFileSync(join(spoilt, f), 'not an image any more\n');
      await page.getByTestId('import-start').click();
      const result = page.getByTestId('import-result');
      await result.waitFor();
      // its toast, in a 1024x700 window, beside the sheet's buttons, not over them
      const toast = page.getByTestId('toast-error');
      await toast.waitFor();
      await screenshot(page, 'import-failed-toast-1440');
      await page.setViewportSize({ width: 1024, height: 700 });
      await screenshot(page, 'import-failed-toast-1024');
      const footer = (await page.locator('[data-testid="import-sheet"] footer').boundingBox())!;
      for (const t of await page.locator('.toast').all()) {
        const b = (await t.boundingBox())!;
        const apart =
          b.y >= footer.y + footer.height || b.y + b.height <= footer.y || b.x >= footer.x + footer.width || b.x + b.width <= footer.x;
        expect(apart, `toast ${JSON.stringify(b)} over the footer ${JSON.stringify(footer)}`).toBe(true);
      }
      await page.setViewportSize({ width: 1440, height: 900 });
      // the next folder, typed straight after: what the failed import said was about the old one
      const good = await objectFolder(join(app.dataDir, 'good'), [1, 2, 3], 2);
      await page.getByTestId('import-path').fill(good);
      await page.getByTestId('import-probe').filter({ hasText: '6 images' }).waitFor();
      expect(await result.count()).toBe(0);
      expect(await page.getByTestId('import-start').isDisabled()).toBe(false);
    }));
});
