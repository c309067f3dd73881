// `npm run bench:load`: the server under load during a training. A real browser-mode server over a real data folder
// (MNIST imported, a small 784-128-4 MLP VAE trained for one epoch, so there is a checkpoint to
// sweep), then a second training (the reference 784-400-20 MLP VAE, batch 128, all of MNIST) and,
// while it runs, four windows of its life:
//   alone        nothing else
//   paced        20 WebSocket clients each asking a 16x16 MNIST sweep every 500 ms (a slider
//                moved at a person's pace: a pinned dimension's value changes every call, so no
//                two grids are alike), one client asking app:info every 100 ms
//   back to back the same 20 clients each asking its next grid as soon as the last came
//   alone again  nothing else (the box's other load drifts: two windows to compare against)
// The clients run in a process of their own (tests/server/load-clients.ts), so they measure the
// server's freezes too, and a paced call's latency counts from its time on the schedule
// (wrk2's correction: a late answer makes the calls queued behind it late). The training's
// images/s per window comes from its own step events (images trained between the window's first
// and last step). Prints p50/p99 per method and the images/s, and appends them to
// bench/results.md. Not a test: it asserts nothing. About 2 to 3 minutes.
//   npm run bench:load [-- --window 20 --clients 20 --interval 500]
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArgsIn, Events, Result } from '../src/shared/contract';
import { invoke } from '../src/main/dispatch';
import { openService, type LatentLabService } from '../src/main/core/service';
import { startServer } from '../src/main/server';
import { percentile, startLoadClients, type LoadClient, type LoadReport } from '../tests/server/load-clients';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const WINDOW_S = flag('window', 20);
const CLIENTS = flag('clients', 20);
const INTERVAL_MS = flag('interval', 500);
const INFO_INTERVAL_MS = 100;
const GRID = 16;

async function must<T>(r: Promise<Result<T>>): Promise<T> {
  const v = await r;
  if (!v.ok) throw new Error(`${v.error.code}: ${v.error.message}`);
  return v.value;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Images trained per second between two moments, from the training's step events. */
class StepClock {
  private steps: { t: number; step: number }[] = [];
  constructor(
    svc: LatentLabService,
    private runId: () => number,
    private batch: number,
  ) {
    svc.on('run:metric', (m: Events['run:metric']) => {
      if (m.runId === this.runId() && m.row.kind === 'step') this.steps.push({ t: performance.now(), step: m.row.step });
    });
  }
  now(): number {
    return performance.now();
  }
  imagesPerSec(from: number, to: number): number {
    const inside = this.steps.filter((s) => s.t >= from && s.t <= to);
    if (inside.length < 2) return NaN;
    const a = inside[0]!;
    const b = inside.at(-1)!;
    return ((b.step - a.step) * this.batch * 1000) / (b.t - a.t);
  }
}

/** 20 slider positions per client: the sweep of dims 0 x 1 with dims 2 and 3 pinned at moving values. */
function sweepArgs(runId: number, client: number): ArgsIn<'explore:grid'>[] {
  return Array.from({ length: 20 }, (_, k) => ({
    kind: 'sweep' as const,
    runId,
    dims: [0, 1] as [number, number],
    grid: GRID,
    base: { kind: 'values' as const, values: [0, 0, Math.sin(client + k / 3) * 2, Math.cos(client * 0.7 + k / 5) * 2] },
  }));
}

interface Row {
  window: string;
  report: LoadReport | null;
  imagesPerSec: number;
  seconds: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  const load0 = loadavg()[0]!;
  const dir = await mkdtemp(join(tmpdir(), 'll-bench-load-'));
  const svc = await openService({ dataDir: dir, door: 'browser' });
  const server = await startServer({ service: svc, port: 0 });
  const url = `ws://127.0.0.1:${server.port}/api?token=${server.token}`;
  try {
    process.stdout.write('importing MNIST... ');
    const imp = await must(invoke(svc, 'datasets:import', { kind: 'mnist' }));
    const imported = await svc.waitForJob(imp.jobId);
    if (imported.status !== 'done' || imported.datasetId === undefined) throw new Error(`MNIST import: ${imported.message}`);
    const datasetId = imported.datasetId;
    process.stdout.write('training the run to sweep... ');
    const small = await must(
      invoke(svc, 'runs:start', { datasetId, config: { model: 'vae', latent: 4, hidden: [128], epochs: 1, batch: 100, limit: 6000 } }),
    );
    if ((await svc.waitForJob(small.jobId)).status !== 'done') throw new Error('the small run failed');
    // the first grid of a run loads its model and dataset into the caches: not what is measured
    await must(invoke(svc, 'explore:grid', sweepArgs(small.runId, 0)[0]!));
    await must(invoke(svc, 'app:info', {}));

    const batch = 128;
    const reference = { model: 'vae' as const, latent: 20, hidden: [400], epochs: 50, batch };
    let trainingRun = 0;
    const clock = new StepClock(svc, () => trainingRun, batch);
    const training = await must(invoke(svc, 'runs:start', { datasetId, config: reference }));
    trainingRun = training.runId;
    console.log(`the measured training: run ${trainingRun}, 784-400-20 MLP VAE, batch ${batch}, all of MNIST`);
    await sleep(5000); // past the worker's start and the first steps

    const gridClient = (k: number, intervalMs: number): LoadClient => ({
      label: 'explore:grid',
      method: 'explore:grid',
      args: null,
      argsCycle: sweepArgs(small.runId, k),
      intervalMs,
      bin: true, // as the app asks
    });
    const info: LoadClient = { label: 'app:info', method: 'app:info', args: {}, intervalMs: INFO_INTERVAL_MS };
    const windows: { name: string; clients: LoadClient[] }[] = [
      { name: 'alone', clients: [] },
      {
        name: `paced: ${CLIENTS} x one grid / ${INTERVAL_MS} ms`,
        clients: [...Array.from({ length: CLIENTS }, (_, k) => gridClient(k, INTERVAL_MS)), info],
      },
      {
        name: `back to back: ${CLIENTS} x next grid on answer`,
        clients: [...Array.from({ length: CLIENTS }, (_, k) => gridClient(k, 0)), info],
      },
      { name: 'alone again', clients: [] },
    ];
    const rows: Row[] = [];
    for (const w of windows) {
      process.stdout.write(`${w.name}: ${WINDOW_S} s... `);
      let report: LoadReport | null = null;
      let from: number;
      let to: number;
      if (w.clients.length === 0) {
        from = clock.now();
        await sleep(WINDOW_S * 1000);
        to = clock.now();
      } else {
        const clients = startLoadClients({ url, clients: w.clients });
        await clients.ready;
        from = clock.now();
        await sleep(WINDOW_S * 1000);
        to = clock.now();
        report = await clients.stop();
      }
      const row = { window: w.name, report, imagesPerSec: clock.imagesPerSec(from, to), seconds: (to - from) / 1000 };
      rows.push(row);
      console.log(`${row.imagesPerSec.toFixed(0)} images/s`);
    }
    await must(invoke(svc, 'jobs:cancel', { jobId: training.jobId }));
    await svc.waitForJob(training.jobId);

    const alone = (rows[0]!.imagesPerSec + rows[3]!.imagesPerSec) / 2;
    const cell = (r: LoadReport | null, method: string): string => {
      const xs = r?.latencies[method];
      if (!xs || xs.length === 0) return '-';
      const failed = r!.failures[method]!.length;
      return `${percentile(xs, 0.5).toFixed(1)} / ${percentile(xs, 0.99).toFixed(1)} (${xs.length}${failed ? `, ${failed} failed` : ''})`;
    };
    const when = new Date(started).toISOString().slice(0, 16).replace('T', ' ');
    const lines = [
      `## ${when} UTC — load during a training, \`npm run bench:load\``,
      '',
      `A real server over a real data folder; the training is a 784-400-20 MLP VAE (batch ${batch}, all of MNIST, ` +
        `default threads on ${cpus().length} cores); the grids are ${GRID}x${GRID} MNIST sweeps of a 784-128-4 MLP VAE ` +
        `(binary frames, a pinned value moving every call); the clients run in a process of their own, a paced call's ` +
        `latency counts from its time on the schedule. ${WINDOW_S} s per window. Load average ${load0.toFixed(1)} at the start, ` +
        `${loadavg()[0]!.toFixed(1)} at the end (other agents' work shares the box).`,
      '',
      '| window | explore:grid p50 / p99 ms (calls) | app:info p50 / p99 ms (calls) | training images/s | vs alone |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map(
        (r) =>
          `| ${r.window} | ${cell(r.report, 'explore:grid')} | ${cell(r.report, 'app:info')} | ${r.imagesPerSec.toFixed(0)} | ${
            r.report ? `${(((r.imagesPerSec - alone) / alone) * 100).toFixed(0)}%` : ''
          } |`,
      ),
      '',
      `(${((Date.now() - started) / 1000).toFixed(0)} s in all.)`,
    ];
    const text = lines.join('\n') + '\n\n';
    process.stdout.write('\n' + text);
    const resultsFile = process.env.BENCH_RESULTS ?? join(dirname(fileURLToPath(import.meta.url)), 'results.md');
    await appendFile(resultsFile, text);
    process.stdout.write(`appended to ${resultsFile}\n`);
  } finally {
    for (const j of await svc['jobs:list']({})) await svc['jobs:cancel']({ jobId: j.jobId });
    await server.close();
    await svc.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
