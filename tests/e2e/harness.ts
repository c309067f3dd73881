// e2e harness: the real service on a fresh data folder, served by browser mode, driven by
// Chromium through playwright-core (the system's, else the one `npm install` brings). Builds
// nothing: the renderer must already be in out/renderer (the test script builds it first).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, CHROMIUM_ENV, findChromium } from '../../src/main/core/browser/find-chromium';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { startServer, type RunningServer } from '../../src/main/server';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RENDERER_DIR = join(ROOT, 'out/renderer');
export const SCREENSHOTS = join(ROOT, 'tests/e2e/screenshots');
export const FACES = resolve(ROOT, '../shared/data/att-faces');

/** Fails with what to do, not with a blank page twenty seconds later. */
export function checkPrerequisites(): void {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(
      `e2e: ${join(RENDERER_DIR, 'index.html')} is missing — build the renderer first with \`npx electron-vite build\` (npm test does it).`,
    );
  }
}

export async function launchBrowser(): Promise<Browser> {
  checkPrerequisites();
  const found = await findChromium();
  if (!found) {
    throw new Error(
      `e2e: no Chromium — none on the system, and @sparticuz/chromium's runs on Linux x64 only: install Chromium or Chrome, or set ${CHROMIUM_ENV} to one.`,
    );
  }
  return chromium.launch({ executablePath: found.path, args: chromiumArgs(found.source) });
}

export interface AppUnderTest {
  dataDir: string;
  service: LatentLabService;
  server: RunningServer;
  page: Page;
  /** errors the page threw or logged; a test asserts it stays empty */
  pageErrors: string[];
  close(): Promise<void>;
}

/** A fresh data folder, service, server and browser page for one test. */
export async function startApp(browser: Browser, name: string): Promise<AppUnderTest> {
  mkdirSync(join(ROOT, 'tests/.tmp'), { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), `ll-e2e-${name}-`));
  const service = await openService({ dataDir, door: 'browser' });
  const server = await startServer({ service, port: 0, rendererDir: RENDERER_DIR });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon/.test(m.text())) pageErrors.push(`console: ${m.text()}`);
  });
  page.setDefaultTimeout(60_000);
  await page.goto(server.url);
  await page.getByTestId('tab-datasets').waitFor();
  return {
    dataDir,
    service,
    server,
    page,
    pageErrors,
    async close() {
      await context.close().catch(() => {});
      await server.close();
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** The page at 1440x900 and at 1024x700 (`<name>-1440.png`, `<name>-1024.png`), back at 1440x900 after. */
export async function screenshotSizes(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1440, 900],
    [1024, 700],
  ] as const) {
    await page.setViewportSize({ width, height });
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** A cheap fingerprint of a canvas's pixels, to see that a grid changed. */
export async function canvasHash(page: Page, testid: string): Promise<string> {
  return page.evaluate((id) => {
    const c = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`);
    if (!c || c.width === 0) return '';
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i]!, 16777619);
    return `${c.width}x${c.height}:${(h >>> 0).toString(16)}`;
  }, testid);
}

/** Wait until a canvas's pixels differ from `before` (the grid redrew with new content). */
export async function waitForCanvasChange(page: Page, testid: string, before: string, timeout = 30_000): Promise<string> {
  await page.waitForFunction(
    ([id, prev]) => {
      const c = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`);
      if (!c || c.width === 0) return false;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let h = 2166136261;
      for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i]!, 16777619);
      return `${c.width}x${c.height}:${(h >>> 0).toString(16)}` !== prev;
    },
    [testid, before] as const,
    { timeout, polling: 50 },
  );
  return canvasHash(page, testid);
}

/** Add the built-in MNIST digits from the empty state and wait for its page. */
export async function addMnist(page: Page): Promise<void> {
  await page.getByTestId('empty-mnist').click();
  await page.getByTestId('dataset-page').waitFor();
  await page.getByTestId('dataset-count').filter({ hasText: '70,000 images' }).waitFor();
}
