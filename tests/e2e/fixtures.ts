// Data and calls the e2e specs share: generated image folders, and calls through the door (its
// schemas fill the defaults, as for the UI) for setting up datasets and runs fast.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';
import { invoke } from '../../src/main/dispatch';
import type { ArgsIn, Results, ServiceMethod } from '../../src/shared/contract';
import { launchBrowser, startApp, type AppUnderTest } from './harness';

/** One Chromium for a spec file; `withApp` gives each test its own app in it. */
export function useBrowser(): { withApp: (name: string, body: (app: AppUnderTest, page: Page) => Promise<void>) => Promise<void> } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    /** a fresh app for one test: its page errors must stay empty; closed whatever happens */
    async withApp(name, body) {
      const app = await startApp(browser!, name);
      try {
        await body(app, app.page);
        expect(app.pageErrors).toEqual([]);
      } finally {
        await app.close();
      }
    },
  };
}

/** A call through the door, failing the test on a refusal. */
export async function call<M extends ServiceMethod>(app: AppUnderTest, method: M, args: ArgsIn<M>): Promise<Results[M]> {
  const r = await invoke(app.service, method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as Results[M];
}

/** `objects` objects x `views` views, 16 px grey, named obj<o>__<v*5>.png: a bar whose row and
 *  brightness name the object. */
export async function objectImages(dir: string, objects = 40, views = 4): Promise<string> {
  mkdirSync(dir, { recursive: true });
  for (let o = 1; o <= objects; o++)
    for (let v = 0; v < views; v++) {
      const px = Buffer.alloc(16 * 16, 20);
      const row = o % 16;
      for (let x = 0; x < 16; x++) px[row * 16 + x] = 120 + ((o * 7 + v * 13) % 130);
      const png = await sharp(px, { raw: { width: 16, height: 16, channels: 1 } })
        .png()
        .toBuffer();
      writeFileSync(join(dir, `obj${o}__${v * 5}.png`), png);
    }
  return dir;
}

/** A dataset of generated objects, imported with labels from the file names; its id. */
export async function objectDataset(app: AppUnderTest, name: string, objects = 40, views = 4): Promise<number> {
  const folder = await objectImages(join(app.dataDir, name), objects, views);
  const imp = await call(app, 'datasets:import', { kind: 'folder', path: folder, side: 16, testShare: 0.5, labelsFrom: 'pattern' });
  const done = await app.service.waitForJob(imp.jobId);
  if (done.status !== 'done' || done.datasetId === undefined) throw new Error(`import of ${name}: ${done.message}`);
  return done.datasetId;
}

/** Starts a run through the door; `wait` for it to end (and fail the test unless it is done). */
export async function train(
  app: AppUnderTest,
  datasetId: number,
  config: ArgsIn<'runs:start'>['config'],
  wait = true,
): Promise<Results['runs:start']> {
  const run = await call(app, 'runs:start', { datasetId, config: { threads: 1, ...config } });
  if (wait) {
    const f = await app.service.waitForJob(run.jobId);
    if (f.status !== 'done') throw new Error(`training: ${f.message}`);
  }
  return run;
}
