// "Export model" from the Explore view: the browser downloads the model folder as one .zip, and
// what is in it loads with the stock libraries and decodes as the app does: the TensorFlow.js
// graph model (tfjs-converter, what tf.loadGraphModel is) and the ONNX file (onnxruntime-node)
// in plain Node, and the same ONNX file in onnxruntime-web inside the real Chromium page.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { unzipSync } from 'fflate';
import * as ort from 'onnxruntime-node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochDirName, loadRunModel } from '../../src/main/core/train/checkpoint.js';
import { addMnist, launchBrowser, ROOT, screenshotSizes, type AppUnderTest, startApp } from './harness';
import { trainSmall } from './small-run';

const TOLERANCE = 1e-5;
const N = 16;
const LATENT = 4; // trainSmall's
const ORT_WEB = join(ROOT, 'node_modules/onnxruntime-web/dist');

let browser: Browser;
beforeAll(async () => void (browser = await launchBrowser()));
afterAll(() => browser?.close());

/** A graph model read from the zip's entries the way tf.loadGraphModel reads one over HTTP. */
function fromZip(entries: Record<string, Uint8Array>, dir: string): tf.io.IOHandler {
  const file = (name: string): Uint8Array => {
    const bytes = entries[`${dir}/${name}`];
    if (!bytes) throw new Error(`${dir}/${name} is not in the zip`);
    return bytes;
  };
  return {
    load: async () =>
      tf.io.getModelArtifactsForJSON(JSON.parse(new TextDecoder().decode(file('model.json'))) as tf.io.ModelJSON, async (manifest) => {
        const parts = manifest.flatMap((g) => g.paths).map(file);
        const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        parts.reduce((at, p) => (data.set(p, at), at + p.length), 0);
        return [manifest.flatMap((g) => g.weights), data.buffer];
      }),
  };
}

/** The app's own decode of the codes, from the checkpoint the run explores (its best epoch). */
async function appDecode(app: AppUnderTest, codes: Float32Array): Promise<Float32Array> {
  const [run] = await app.service['runs:list']({});
  const [folder] = readdirSync(join(app.dataDir, 'runs'));
  const model = await loadRunModel(join(app.dataDir, 'runs', folder!, 'checkpoints', epochDirName(run!.bestEpoch!)));
  try {
    return tf.tidy(() => model.decode(tf.tensor2d(codes, [N, LATENT])).dataSync() as Float32Array);
  } finally {
    model.dispose();
  }
}

// The page loads onnxruntime-web's wasm build as a person's page would, from its own origin; a
// script of the page (not one sent by evaluate, which the test's bundler would rewrite) runs it.
const ORT_PAGE = `<!doctype html><title>onnxruntime-web</title><script type="module">
  import * as ort from '/ort.wasm.min.mjs';
  ort.env.wasm.numThreads = 1; // a page that is not cross-origin isolated has no shared memory
  ort.env.wasm.wasmPaths = '/';
  window.decode = async (z, n, latent) => {
    const session = await ort.InferenceSession.create('/decoder.onnx', { executionProviders: ['wasm'] });
    const out = await session.run({ z: new ort.Tensor('float32', Float32Array.from(z), [n, latent]) });
    return Array.from(out.mean.data);
  };
</script>`;

/** The decoder's mean from onnxruntime-web's wasm backend in a Chromium page of its own origin. */
async function decodeInPage(page: Page, onnx: Uint8Array, codes: Float32Array): Promise<number[]> {
  const origin = 'http://ort-web.test';
  await page.route(`${origin}/**`, (route) => {
    const name = new URL(route.request().url()).pathname.slice(1);
    if (name === '') return route.fulfill({ contentType: 'text/html', body: ORT_PAGE });
    if (name === 'decoder.onnx') return route.fulfill({ contentType: 'application/octet-stream', body: Buffer.from(onnx) });
    const type = name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    return route.fulfill({ contentType: type, body: readFileSync(join(ORT_WEB, name.replace(/[^\w.-]/g, ''))) });
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'decode' in window);
  return page.evaluate(([z, n, latent]) => (window as unknown as { decode: (...a: unknown[]) => Promise<number[]> }).decode(z, n, latent), [
    Array.from(codes),
    N,
    LATENT,
  ] as const);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('export model', () => {
  it('downloads a zip whose TensorFlow.js and ONNX decoders decode as the app does', async () => {
    const app = await startApp(browser, 'model-export');
    try {
      const { page } = app;
      await addMnist(page);
      await trainSmall(app, { hidden: [32], epochs: 1, limit: 1000 }); // any trained run will do: a small one is quick
      await page.getByTestId('tab-explore').click();
      await page.getByTestId('sweep-canvas').waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 20_000 }),
        page.getByTestId('model-export').click({ timeout: 10_000 }),
      ]);
      expect(download.suggestedFilename()).toMatch(/^vae-\d+-MNIST-digits-model\.zip$/);
      const top = download.suggestedFilename().replace(/\.zip$/, '');
      await page.getByText(/Downloaded .*-model\.zip/).waitFor();
      await screenshotSizes(page, 'model-export');

      const entries = unzipSync(readFileSync(await download.path()));
      for (const f of [
        'README.md',
        'model.json',
        'tfjs/decoder/model.json',
        'tfjs/encoder/model.json',
        'onnx/decoder.onnx',
        'onnx/encoder.onnx',
      ])
        expect(entries[`${top}/${f}`], f).toBeDefined();
      expect(new TextDecoder().decode(entries[`${top}/README.md`])).toContain("tf.loadGraphModel('tfjs/decoder/model.json')");

      const codes = Float32Array.from({ length: N * LATENT }, (_, i) => Math.sin(i * 0.7) * 2.5);
      const want = await appDecode(app, codes);
      expect(want.length).toBe(N * 784);

      const decoder = await loadGraphModel(fromZip(entries, `${top}/tfjs/decoder`));
      const fromTf = tf.tidy(() => (decoder.predict({ z: tf.tensor2d(codes, [N, LATENT]) }) as tf.NamedTensorMap).mean!.dataSync());
      decoder.dispose();
      expect(maxDiff(fromTf, want), 'tfjs graph model').toBeLessThan(TOLERANCE);

      const onnx = entries[`${top}/onnx/decoder.onnx`]!;
      const session = await ort.InferenceSession.create(onnx);
      const fromOnnx = (await session.run({ z: new ort.Tensor('float32', codes, [N, LATENT]) })).mean!.data as Float32Array;
      await session.release();
      expect(maxDiff(fromOnnx, want), 'onnxruntime-node').toBeLessThan(TOLERANCE);

      const ortPage = await page.context().newPage();
      const fromWeb = await decodeInPage(ortPage, onnx, codes);
      await ortPage.close();
      expect(maxDiff(fromWeb, want), 'onnxruntime-web in Chromium').toBeLessThan(TOLERANCE);
      expect(app.pageErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
