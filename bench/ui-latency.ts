// `npm run bench:ui`: how live the sweep feels, end to end. The real service and browser mode,
// Chromium through playwright-core, a small MNIST VAE; then in the page, from a pinned slider's
// input event to the sweep canvas's changed pixels: 20 single moves (p50, p95) and a 1.6 s drag
// (frames drawn per second), first with nothing else running, then beside a training.
// Not a test: it prints figures (bench/results.md keeps them), asserts nothing.
//   npm run bench:ui [-- --moves 20 --drag-ms 1600 --no-training]
import { invoke } from '../src/main/dispatch';
import { addMnist, launchBrowser, startApp, type AppUnderTest } from '../tests/e2e/harness';
import type { Page } from 'playwright-core';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const MOVES = flag('moves', 20);
const DRAG_MS = flag('drag-ms', 1600);
const WITH_TRAINING = !argv.includes('--no-training');

async function must<T>(r: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const v = await r;
  if (!v.ok) throw new Error(v.error.message);
  return v.value;
}

/** In the page: moves and a drag on the first pinned slider, timed to the canvas's changed pixels. */
async function measure(page: Page, moves: number, dragMs: number): Promise<{ lat: number[]; fps: number; frames: number }> {
  return page.evaluate(
    async ([moves, dragMs]) => {
      const canvas = (): HTMLCanvasElement | null => document.querySelector<HTMLCanvasElement>('[data-testid="sweep-canvas"]');
      const slider = document.querySelector<HTMLInputElement>('[data-testid="pinned-sliders"] input[type="range"]')!;
      const hash = (): string => {
        const c = canvas();
        if (!c || c.width === 0) return '';
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let h = 2166136261;
        for (let i = 0; i < d.length; i += 4) h = Math.imul(h ^ (d[i]! | (d[i + 1]! << 8)), 16777619);
        return `${c.width}x${c.height}:${h >>> 0}`;
      };
      const frame = (): Promise<number> => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
      const move = (v: number): void => {
        slider.value = v.toFixed(2);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      };
      // settle: whatever was drawing finishes
      let last = hash();
      for (let quiet = 0; quiet < 10;) {
        await frame();
        const h = hash();
        quiet = h === last ? quiet + 1 : 0;
        last = h;
      }
      const lat: number[] = [];
      for (let i = 0; i < moves; i++) {
        const before = hash();
        const t0 = performance.now();
        move(((i % 2 === 0 ? 1 : -1) * (1 + (i % 5) * 0.4)) as number);
        for (;;) {
          await frame();
          if (hash() !== before) break;
          if (performance.now() - t0 > 10_000) break;
        }
        lat.push(performance.now() - t0);
      }
      // a drag: one input per frame, left to right and back, counting the frames whose pixels changed
      let frames = 0;
      let prev = hash();
      const start = performance.now();
      for (let t = 0; ;) {
        t = (await frame()) - start;
        if (t > dragMs) break;
        move(-3 + 6 * Math.abs((((t / dragMs) * 2) % 2) - 1));
        const h = hash();
        if (h !== prev) frames++;
        prev = h;
      }
      const elapsed = performance.now() - start;
      return { lat, fps: (frames * 1000) / elapsed, frames };
    },
    [moves, dragMs] as const,
  );
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

function report(label: string, r: { lat: number[]; fps: number; frames: number }): string {
  return `| ${label} | ${pct(r.lat, 50).toFixed(1)} | ${pct(r.lat, 95).toFixed(1)} | ${r.fps.toFixed(1)} (${r.frames} frames in ${(DRAG_MS / 1000).toFixed(1)} s) |`;
}

async function main(): Promise<void> {
  const browser = await launchBrowser();
  let app: AppUnderTest | undefined;
  try {
    app = await startApp(browser, 'bench-ui');
    const { page } = app;
    await addMnist(page);
    const datasetId = (await app.service['datasets:list']({}))[0]!.id;
    const small = { model: 'vae', latent: 4, hidden: [128], epochs: 1, batch: 100, limit: 6000 } as const;
    const job = await must(invoke(app.service, 'runs:start', { datasetId, config: { ...small, hidden: [128] } }));
    if ((await app.service.waitForJob(job.jobId)).status !== 'done') throw new Error('the small run failed');
    await page.getByTestId('tab-explore').click();
    await page.getByTestId('sweep-canvas').waitFor();
    await page.locator('[data-testid="pinned-sliders"] input[type="range"]').first().waitFor();
    // tsx keeps function names with a helper the page does not have
    await page.evaluate('window.__name = (f) => f');
    const rows = [report('16x16 MNIST, quiet', await measure(page, MOVES, DRAG_MS))];
    if (WITH_TRAINING) {
      const busy = { model: 'vae', latent: 20, hidden: [400], epochs: 50, batch: 128 } as const;
      const bg = await must(invoke(app.service, 'runs:start', { datasetId, config: { ...busy, hidden: [400] } }));
      // let it get going (data loaded, steps running) before measuring
      await new Promise((r) => setTimeout(r, 4000));
      rows.push(report('16x16 MNIST, beside a training', await measure(page, MOVES, DRAG_MS)));
      await invoke(app.service, 'jobs:cancel', { jobId: bg.jobId });
      await app.service.waitForJob(bg.jobId);
    }
    const c = await page.getByTestId('sweep-canvas').evaluate((el) => `${el.getBoundingClientRect().width.toFixed(0)} px wide`);
    console.log(`\nslider input -> changed canvas pixels, ${MOVES} moves; a ${DRAG_MS} ms drag (canvas ${c}, viewport 1440x900)\n`);
    console.log('| case | p50 ms | p95 ms | frames/s during a drag |\n|---|---|---|---|');
    for (const r of rows) console.log(r);
  } finally {
    await app?.close();
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
