// `npm run bench:ui`: how live the sweep feels, end to end. The real service and browser mode,
// Chromium through playwright-core; then in the page, from a pinned slider's input event to the
// sweep canvas's changed pixels: 20 single moves (p50, p95) and a 1.6 s drag (frames drawn per
// second), first with nothing else running, then beside a training. Three cases:
// 16x16 MNIST (a 784-128-4 MLP VAE on 28 px digits), and 8x8 and 16x16 faces (a 4096-128-4 MLP
// VAE on the AT&T faces imported at 64 px, where the bigger tiles cost the decode and the wire
// more); the faces cases are skipped, saying so, when ../shared/data/att-faces is absent.
// Not a test: it prints figures (bench/results.md keeps them), asserts nothing.
//   npm run bench:ui [-- --moves 20 --drag-ms 1600 --no-training --screenshots --verbose]
// (--screenshots: the page of each case as measured, into tests/e2e/screenshots/bench-ui-*.png)
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { invoke } from '../src/main/dispatch';
import {
  addMnist,
  canvasHash,
  FACES,
  launchBrowser,
  screenshot,
  startApp,
  waitForCanvasChange,
  type AppUnderTest,
} from '../tests/e2e/harness';
import type { Page } from 'playwright-core';
import type { ArgsIn } from '../src/shared/contract';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const MOVES = flag('moves', 20);
const DRAG_MS = flag('drag-ms', 1600);
const WITH_TRAINING = !argv.includes('--no-training');
const SCREENSHOTS = argv.includes('--screenshots');
/** every move's latency and grid call, as measured */
const VERBOSE = argv.includes('--verbose');

async function must<T>(r: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const v = await r;
  if (!v.ok) throw new Error(v.error.message);
  return v.value;
}

/** One move, split by stage (ms): where each part of its latency went. */
interface Move {
  /** input event to the draw call that put the new grid on the canvas (no frame rounding) */
  total: number;
  /** input event to the next frame whose pixels differ (what the older measure gave) */
  frame: number;
  /** input to the call going out: the view's effect, the spec, the request queue */
  send: number;
  /** both ways over the socket: the round trip less the server's part and the page's decoding;
   *  the reply's encoding on the server falls here */
  wire: number;
  /** the server: reading the call and checking its arguments */
  parse: number;
  /** to the grid thread and back, less the thread's own time */
  hop: number;
  /** the grid thread: finding the run, its checkpoint, the leased model and pixels; the model's
   *  passes; the bytes read back; the rest of its part (the base vector, posting the answer) */
  lease: number;
  decode: number;
  bytes: number;
  build: number;
  /** the rest of the server's part (dispatch, the handler's awaits) */
  server: number;
  /** the page: decoding the reply frame, the answer to the draw call, the grid's RGBA, putImageData */
  unframe: number;
  handoff: number;
  pixels: number;
  put: number;
}

/** In the page: moves and a drag on the first pinned slider, each move timed to the draw call
 *  that changed the sweep canvas and split by stage; the drag counts frames with new pixels. */
async function measure(page: Page, moves: number, dragMs: number): Promise<{ moves: Move[]; fps: number; frames: number; draws: number }> {
  return page.evaluate(
    async ([moves, dragMs]) => {
      const canvas = (): HTMLCanvasElement | null => document.querySelector<HTMLCanvasElement>('[data-testid="sweep-canvas"]');
      const slider = document.querySelector<HTMLInputElement>('[data-testid="pinned-sliders"] input[type="range"]')!;
      // the canvas read through a copy of at most 256x256: reading all of a 16x16 grid of 64 px
      // faces (1040x1040) and hashing it in JS took ~10 ms a frame, which the latency then
      // counted and which held up the page it measures; a slider move changes every cell, so
      // the averaged copy changes with it
      const small = document.createElement('canvas');
      const hash = (): string => {
        const c = canvas();
        if (!c || c.width === 0) return '';
        const k = Math.max(1, Math.ceil(Math.max(c.width, c.height) / 256));
        small.width = Math.ceil(c.width / k);
        small.height = Math.ceil(c.height / k);
        const g = small.getContext('2d', { willReadFrequently: true })!;
        g.drawImage(c, 0, 0, small.width, small.height);
        const d = g.getImageData(0, 0, small.width, small.height).data;
        let h = 2166136261;
        for (let i = 0; i < d.length; i += 4) h = Math.imul(h ^ (d[i]! | (d[i + 1]! << 8)), 16777619);
        return `${c.width}x${c.height}:${h >>> 0}`;
      };
      const frame = (): Promise<number> => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
      const move = (v: number): void => {
        slider.value = v.toFixed(2);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      };
      // the page's own measures (api.ts: each call's round trip with the server's stages;
      // GridCanvas: each draw call), the last one that started after t
      type Timed = PerformanceMeasure & { detail: Record<string, unknown> };
      const after = (name: string, t: number): Timed | undefined =>
        (performance.getEntriesByName(name, 'measure') as Timed[]).filter((m) => m.startTime >= t).pop();
      // settle: whatever was drawing finishes
      let last = hash();
      for (let quiet = 0; quiet < 10;) {
        await frame();
        const h = hash();
        quiet = h === last ? quiet + 1 : 0;
        last = h;
      }
      const out: Move[] = [];
      for (let i = 0; i < moves; i++) {
        const before = hash();
        performance.clearMeasures();
        const t0 = performance.now();
        move(((i % 2 === 0 ? 1 : -1) * (1 + (i % 5) * 0.4)) as number);
        let seen = 0;
        for (;;) {
          seen = await frame();
          if (hash() !== before) break;
          if (performance.now() - t0 > 10_000) break;
        }
        const call = after('api explore:grid', t0);
        const draw = after('draw sweep-canvas', t0);
        if (!call || !draw) continue;
        const st = (call.detail.stages ?? {}) as Record<string, number>;
        const s = (k: string): number => st[k] ?? 0;
        const unframe = Number(call.detail.decode ?? 0);
        const pixels = Number(draw.detail.pixels ?? 0);
        const server = s('server');
        out.push({
          total: draw.startTime + draw.duration - t0,
          frame: seen - t0,
          send: call.startTime - t0,
          wire: call.duration - server - unframe,
          parse: s('read') + s('parse'),
          hop: s('thread hop'),
          decode: s('thread.decode'),
          bytes: s('thread.bytes'),
          lease: s('thread.lease'),
          build: s('thread') - s('thread.lease') - s('thread.decode') - s('thread.bytes'),
          server: server - s('read') - s('parse') - s('thread hop') - s('thread'),
          unframe,
          handoff: draw.startTime - (call.startTime + call.duration),
          pixels,
          put: draw.duration - pixels,
        });
      }
      // a drag: one input per frame, left to right and back, counting the frames whose pixels changed
      let frames = 0;
      let prev = hash();
      performance.clearMeasures();
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
      const draws = performance.getEntriesByName('draw sweep-canvas', 'measure').length;
      return { moves: out, fps: (frames * 1000) / elapsed, frames, draws: (draws * 1000) / elapsed };
    },
    [moves, dragMs] as const,
  );
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

type Measured = Awaited<ReturnType<typeof measure>>;

function report(label: string, canvas: string, r: Measured): string {
  const total = r.moves.map((m) => m.total);
  if (VERBOSE) console.log(`${label}: moves ${total.map((x) => x.toFixed(1)).join(' ')}`);
  return `| ${label} | ${canvas} | ${pct(total, 50).toFixed(1)} | ${pct(total, 95).toFixed(1)} | ${pct(
    r.moves.map((m) => m.frame),
    50,
  ).toFixed(1)} | ${r.fps.toFixed(1)} (${r.frames} frames in ${(DRAG_MS / 1000).toFixed(1)} s; ${r.draws.toFixed(1)} draws/s) |`;
}

/** Each stage's median over the moves (the medians need not add up to the median total). */
const STAGES: [keyof Move, string][] = [
  ['send', 'input -> call sent (page)'],
  ['wire', 'socket, both ways (incl. encoding)'],
  ['parse', 'server: read + check args'],
  ['server', 'server: the rest'],
  ['hop', 'thread hop, both ways'],
  ['lease', 'thread: run, checkpoint, model'],
  ['build', 'thread: the rest (base, post)'],
  ['decode', 'thread: decode (tfjs)'],
  ['bytes', 'thread: read back as bytes'],
  ['unframe', 'page: decode the frame'],
  ['handoff', 'page: answer -> draw call'],
  ['pixels', 'page: grid -> RGBA'],
  ['put', 'page: putImageData'],
  ['total', 'input -> draw call, total'],
];

function breakdown(rows: { label: string; r: Measured }[]): string {
  const head = `| stage, p50 ms | ${rows.map((x) => x.label).join(' | ')} |\n|---|${rows.map(() => '---|').join('')}`;
  const lines = STAGES.map(
    ([k, name]) =>
      `| ${name} | ${rows
        .map((x) =>
          pct(
            x.r.moves.map((m) => m[k]),
            50,
          ).toFixed(2),
        )
        .join(' | ')} |`,
  );
  return [head, ...lines].join('\n');
}

/** One case: a run's sweep at one grid size. */
interface Case {
  label: string;
  runId: number;
  grid: number;
}

/** Trains a small run through the door and waits for it; its id. */
async function trainRun(app: AppUnderTest, datasetId: number, config: ArgsIn<'runs:start'>['config']): Promise<number> {
  const job = await must(invoke(app.service, 'runs:start', { datasetId, config: { threads: 1, ...config } }));
  const done = await app.service.waitForJob(job.jobId);
  if (done.status !== 'done') throw new Error(`the small run failed: ${done.message}`);
  return job.runId;
}

/** The AT&T faces imported at 64 px (cropped to the square); the dataset's id. */
async function importFaces(app: AppUnderTest): Promise<number> {
  const imp = await must(invoke(app.service, 'datasets:import', { kind: 'folder', path: FACES, name: 'faces', side: 64, resize: 'crop' }));
  const done = await app.service.waitForJob(imp.jobId);
  if (done.status !== 'done' || done.datasetId === undefined) throw new Error(`the faces import failed: ${done.message}`);
  return done.datasetId;
}

/** Until the sweep is drawn and stays so: a new run first clears the canvas and loads its dims
 *  before its grid goes out, so one changed frame does not mean the case's grid is there. */
async function settled(page: Page): Promise<void> {
  let prev = await canvasHash(page, 'sweep-canvas');
  for (let stable = 0; stable < 2;) {
    await page.waitForTimeout(250);
    const h = await canvasHash(page, 'sweep-canvas');
    const busy = ((await page.getByTestId('sweep-hover').textContent()) ?? '').includes('drawing');
    stable = h === prev && h !== '' && !busy ? stable + 1 : 0;
    prev = h;
  }
}

/** Shows the case's run in Explore at its grid size and waits until that grid is drawn; the canvas's width. */
async function openCase(page: Page, c: Case): Promise<string> {
  const picker = page.getByTestId('explore-run');
  if ((await picker.inputValue()) !== String(c.runId)) {
    const before = await canvasHash(page, 'sweep-canvas');
    await picker.selectOption(String(c.runId));
    await waitForCanvasChange(page, 'sweep-canvas', before);
  }
  const grid = page.getByTestId('sweep-grid');
  if ((await grid.inputValue()) !== String(c.grid)) {
    const before = await canvasHash(page, 'sweep-canvas');
    await grid.evaluate((el, n) => {
      const input = el as HTMLInputElement;
      input.value = String(n);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, c.grid);
    await waitForCanvasChange(page, 'sweep-canvas', before);
  }
  await page.locator('[data-testid="pinned-sliders"] input[type="range"]').first().waitFor();
  await settled(page);
  // the figures are only the case's if the page shows its run at its grid size
  const shown = { run: await picker.inputValue(), grid: await grid.inputValue() };
  if (shown.run !== String(c.runId) || shown.grid !== String(c.grid))
    throw new Error(`${c.label}: the page shows run ${shown.run} at grid ${shown.grid}, not run ${c.runId} at ${c.grid}`);
  return page.getByTestId('sweep-canvas').evaluate((el) => `${el.getBoundingClientRect().width.toFixed(0)} px`);
}

async function main(): Promise<void> {
  const browser = await launchBrowser();
  let app: AppUnderTest | undefined;
  try {
    app = await startApp(browser, 'bench-ui');
    const { page } = app;
    await addMnist(page);
    const mnistId = (await app.service['datasets:list']({}))[0]!.id;
    const cases: Case[] = [
      {
        label: '16x16 MNIST',
        runId: await trainRun(app, mnistId, { model: 'vae', latent: 4, hidden: [128], epochs: 1, batch: 100, limit: 6000 }),
        grid: 16,
      },
    ];
    if (existsSync(FACES)) {
      const facesId = await importFaces(app);
      // a few epochs, so the decoded faces are faces (speed does not depend on it)
      const faces = await trainRun(app, facesId, {
        model: 'vae',
        latent: 4,
        hidden: [128],
        likelihood: 'gaussian',
        sigma: 0.25,
        epochs: 3,
        batch: 32,
      });
      cases.push({ label: '8x8 faces (64 px)', runId: faces, grid: 8 }, { label: '16x16 faces (64 px)', runId: faces, grid: 16 });
    } else console.log(`faces cases skipped: ${FACES} is absent (the AT&T faces, 40 folders s1..s40)`);

    await page.getByTestId('tab-explore').click();
    await page.getByTestId('sweep-canvas').waitFor();
    await page.locator('[data-testid="pinned-sliders"] input[type="range"]').first().waitFor();
    // tsx keeps function names with a helper the page does not have
    await page.evaluate('window.__name = (f) => f');
    const rows: string[] = [];
    const split: { label: string; r: Measured }[] = [];
    const shot = async (c: Case): Promise<void> => {
      if (SCREENSHOTS) await screenshot(page, `bench-ui-${c.label.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '')}`);
    };
    for (const c of cases) {
      const shown = await openCase(page, c);
      const r = await measure(page, MOVES, DRAG_MS);
      rows.push(report(`${c.label}, quiet`, shown, r));
      split.push({ label: c.label, r });
      await shot(c);
    }
    if (WITH_TRAINING) {
      const busy = { model: 'vae', latent: 20, hidden: [400], epochs: 50, batch: 128 } as const;
      const bg = await must(invoke(app.service, 'runs:start', { datasetId: mnistId, config: { ...busy, hidden: [400] } }));
      // let it get going (data loaded, steps running) before measuring
      await new Promise((r) => setTimeout(r, 4000));
      for (const c of cases)
        rows.push(report(`${c.label}, beside a training`, await openCase(page, c), await measure(page, MOVES, DRAG_MS)));
      await invoke(app.service, 'jobs:cancel', { jobId: bg.jobId });
      await app.service.waitForJob(bg.jobId);
    }
    console.log(
      `\nload average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} (${cpus().length} cores)`,
    );
    console.log(
      `\nslider input -> the draw call that changed the sweep canvas, ${MOVES} moves; a ${DRAG_MS} ms drag (viewport 1440x900)\n`,
    );
    console.log(
      '| case | canvas | p50 ms | p95 ms | to the next changed frame, p50 ms | frames/s during a drag |\n|---|---|---|---|---|---|',
    );
    for (const r of rows) console.log(r);
    console.log(`\nwhere a move's time goes, quiet (the medians of each stage need not add up to the median total)\n`);
    console.log(breakdown(split));
  } finally {
    await app?.close();
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
