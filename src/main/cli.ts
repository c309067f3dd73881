// The headless door: every command calls the same service as the app.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { type ArgsIn, type GridSpec, type Result, type Results, type ServiceMethod, trainConfigSchema } from '../shared/contract';
import { dispatch } from './dispatch';
import { openService, type LatentLabService } from './core/service';

const USAGE = `latent-lab — train variational autoencoders and explore their latent space

usage: latent-lab <command> [options]            (every command takes --data-dir D)

  import <folder | file.idx[.gz] | mnist> [--name N] [--gray | --rgb] [--side 28] [--crop]
         [--test-share 0.1] [--seed 1] [--labels labels.idx[.gz]]
  datasets                        list datasets
  skipped <dataset>               files an import skipped, with the reason
  train --dataset <name|id> [--model ae|vae|cvae|hvae|dae] [--latent 20] [--latent2 N] [--epochs 10]
        [--family mlp|conv] [--likelihood bernoulli|binarized|gaussian|gaussian-learned|cbernoulli]
        [--sigma 0.1] [--beta 1] [--warmup E] [--hidden 400[,400]] [--activation relu|tanh]
        [--noise gaussian|mask|salt-pepper] [--noise-level 0.3] [--learned-prior (cvae: p(z|y))]
        [--batch 128] [--lr 1e-3] [--seed 1]
        [--limit N] [--name N] [--backend auto|wasm|cpu|tfjs-node|tfjs-node-gpu]
  runs                            list runs
  resume <run|last>               continue a run from its last checkpoint
  dims <run|last> [--level 2]     latent dimensions ranked by their KL (which ones to sweep)
  evaluate --run <id|last> [--iwae K] [--limit N]
  sweep --run <id|last> --dims 0,1 [--grid 16] [--range -3,3] [--spacing linear|normal]
        [--base zero|image:K|random:S] [--label C] --out grid.png [--scale 2] [--gutter 1]
  samples --run <id|last> [--n 64] [--seed 1] [--label C] --out samples.png
  reconstruct --run <id|last> [--n 16] --out recon.png
  interpolate --run <id|last> --from A --to B [--steps 10] [--slerp] [--compare R] --out strip.png
  nearest --run <id|last> [--n 8] [--seed 1] --out nearest.png   samples over their nearest training images
  classes --run <id|last> [--dim 0] [--steps 10] --out classes.png
  export-grid --spec '<grid spec JSON>' --out grid.png [--scale 2] [--gutter 1]
  export-metrics --run <id|last> --out metrics.csv
  export-model --run <id|last> --out folder
  serve [--port 0] [--host 127.0.0.1]    the app in a browser (prints the URL with its token)

Data folder: --data-dir, else $LATENT_LAB_DATA, else ~/.latent-lab`;

type Flags = Record<string, string | true>;

export function parseArgv(argv: string[]): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
      else {
        const next = argv[i + 1];
        // A value may be negative ("--range -3,3"), so only "--" starts the next flag.
        if (next !== undefined && !next.startsWith('--')) {
          flags[a.slice(2)] = next;
          i++;
        } else flags[a.slice(2)] = true;
      }
    } else positional.push(a);
  }
  return { positional, flags };
}

class CliError extends Error {}

function str(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  if (v === true) throw new CliError(`--${name} needs a value`);
  return v;
}

function num(flags: Flags, name: string): number | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`--${name}: "${v}" is not a number`);
  return n;
}

function pair(flags: Flags, name: string): [number, number] | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  const parts = v.split(',').map(Number);
  if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p)))
    throw new CliError(`--${name}: expected two numbers like 0,1 (got "${v}")`);
  return [parts[0]!, parts[1]!];
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  isTty: boolean;
}

const defaultIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  isTty: !!process.stdout.isTTY,
};

async function call<M extends ServiceMethod>(svc: LatentLabService, method: M, args: ArgsIn<M>): Promise<Results[M]> {
  const r = (await dispatch(svc, method, args)) as Result<Results[M]>;
  if (!r.ok) throw new CliError(r.error.message);
  return r.value;
}

function bar(done: number, total: number, width = 28): string {
  const f = total > 0 ? Math.min(1, done / total) : 0;
  const n = Math.round(f * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${(f * 100).toFixed(0).padStart(3)}%`;
}

function fmtEta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '';
  if (s < 60) return `${Math.round(s)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

/** Waits for a job, drawing a progress bar on a TTY and occasional plain lines otherwise. */
async function follow(svc: LatentLabService, jobId: string, io: CliIo, extra?: () => void): Promise<void> {
  let lastLine = 0;
  const off = svc.on('job:progress', (p) => {
    if (p.jobId !== jobId) return;
    const rate = p.rate ? ` ${Math.round(p.rate)} ${p.rateUnit}` : '';
    const eta = p.etaSec !== null ? ` ETA ${fmtEta(p.etaSec)}` : '';
    if (io.isTty) process.stdout.write(`\r${bar(p.done, p.total)} ${p.detail}${rate}${eta}\x1b[K`);
    else if (Date.now() - lastLine > 5000) {
      lastLine = Date.now();
      io.out(`${p.done}/${p.total} ${p.detail}${rate}${eta}`);
    }
  });
  extra?.();
  const onSig = (): void => {
    io.err('\ncancelling… (the last checkpoint is kept; `latent-lab resume` continues)');
    void svc['jobs:cancel']({ jobId });
  };
  process.once('SIGINT', onSig);
  try {
    const f = await svc.waitForJob(jobId);
    if (io.isTty) process.stdout.write('\r\x1b[K');
    if (f.status === 'failed') throw new CliError(f.message);
    io.out(f.status === 'cancelled' ? `cancelled: ${f.message}` : f.message);
  } finally {
    off();
    process.off('SIGINT', onSig);
  }
}

async function datasetId(svc: LatentLabService, ref: string | undefined): Promise<number> {
  if (!ref) throw new CliError('--dataset is required (a name or an id; see `latent-lab datasets`)');
  const all = await call(svc, 'datasets:list', {});
  const hit = all.find((d) => String(d.id) === ref || d.name === ref) ?? all.find((d) => d.name.toLowerCase() === ref.toLowerCase());
  if (!hit) throw new CliError(`no dataset "${ref}"; have: ${all.map((d) => `${d.id} ${d.name}`).join(', ') || 'none (import one first)'}`);
  return hit.id;
}

async function runId(svc: LatentLabService, ref: string | undefined): Promise<number> {
  if (!ref) throw new CliError('--run is required (an id or "last")');
  const runs = await call(svc, 'runs:list', {});
  if (ref === 'last') {
    if (!runs[0]) throw new CliError('there are no runs yet; train one first');
    return runs[0].id;
  }
  const hit = runs.find((r) => String(r.id) === ref || r.name === ref);
  if (!hit) throw new CliError(`no run "${ref}"; see \`latent-lab runs\``);
  return hit.id;
}

function parseBase(v: string | undefined): GridSpec extends infer T ? (T extends { kind: 'sweep'; base?: infer B } ? B : never) : never {
  if (!v || v === 'zero') return { kind: 'zero' };
  const [kind, arg] = v.split(':');
  if (kind === 'image' && arg !== undefined && /^\d+$/.test(arg)) return { kind: 'image', index: Number(arg) };
  if (kind === 'random') return { kind: 'random', seed: Number(arg ?? 1) };
  if (kind === 'values' && arg) return { kind: 'values', values: arg.split(',').map(Number) };
  throw new CliError(`--base: expected zero, image:K, random:S or values:a,b,... (got "${v}")`);
}

async function writeGrid(svc: LatentLabService, spec: GridSpec, flags: Flags, io: CliIo): Promise<void> {
  const out = str(flags, 'out');
  if (!out) throw new CliError('--out is required (where to write the PNG)');
  const r = await call(svc, 'export:grid', { spec, path: out, scale: num(flags, 'scale') ?? 2, gutter: num(flags, 'gutter') ?? 1 });
  io.out(`wrote ${r.path} (${r.width}x${r.height})`);
}

function table(rows: (string | number)[][], io: CliIo): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const r of rows)
    io.out(
      r
        .map((v, c) => String(v).padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    );
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const { positional, flags } = parseArgv(argv);
  const cmd = positional[0];
  if (!cmd || flags.help || cmd === 'help') {
    io.out(USAGE);
    return cmd ? 0 : 1;
  }
  const dataDir = resolve(str(flags, 'data-dir') ?? process.env.LATENT_LAB_DATA ?? join(homedir(), '.latent-lab'));
  const known = [
    'import',
    'datasets',
    'skipped',
    'train',
    'runs',
    'resume',
    'dims',
    'evaluate',
    'sweep',
    'samples',
    'reconstruct',
    'interpolate',
    'nearest',
    'classes',
    'export-grid',
    'export-metrics',
    'export-model',
    'serve',
  ];
  if (!known.includes(cmd)) {
    io.err(`unknown command "${cmd}"\n\n${USAGE}`);
    return 2;
  }
  let svc: LatentLabService | undefined;
  try {
    const backend = (str(flags, 'backend') ?? 'auto') as ArgsIn<'runs:start'>['backend'];
    svc = await openService({ dataDir, door: 'cli', backend });
    switch (cmd) {
      case 'import': {
        const src = positional[1];
        if (!src) throw new CliError('import needs a folder, an IDX file or "mnist"');
        const kind = src === 'mnist' ? 'mnist' : /\.(idx\d?(-ubyte)?|ubyte)(\.gz)?$|-ubyte(\.gz)?$/i.test(src) ? 'idx' : 'folder';
        const { jobId } = await call(svc, 'datasets:import', {
          kind,
          path: kind === 'mnist' ? undefined : src,
          labelsPath: str(flags, 'labels'),
          name: str(flags, 'name'),
          color: flags.gray ? 'gray' : flags.rgb ? 'rgb' : 'auto',
          side: num(flags, 'side'),
          resize: flags.crop ? 'crop' : 'fit',
          testShare: num(flags, 'test-share') ?? 0.1,
          seed: num(flags, 'seed') ?? 1,
        });
        await follow(svc, jobId, io);
        const ds = (await call(svc, 'datasets:list', {})).at(-1)!;
        io.out(
          `dataset ${ds.id} "${ds.name}": ${ds.count} images imported, ${ds.skippedCount} skipped (${ds.trainCount} train / ${ds.testCount} test, ${ds.width}x${ds.height}x${ds.channels}, ${ds.labelNames.length} labels)`,
        );
        return 0;
      }
      case 'datasets': {
        const all = await call(svc, 'datasets:list', {});
        if (all.length === 0) io.out('no datasets yet: latent-lab import mnist, or latent-lab import <folder>');
        else
          table(
            [
              ['id', 'name', 'images', 'train', 'test', 'size', 'labels', 'skipped'],
              ...all.map((d) => [
                d.id,
                d.name,
                d.count,
                d.trainCount,
                d.testCount,
                `${d.width}x${d.height}x${d.channels}`,
                d.labelNames.length,
                d.skippedCount,
              ]),
            ],
            io,
          );
        return 0;
      }
      case 'skipped': {
        const id = await datasetId(svc, positional[1]);
        const rows = await call(svc, 'datasets:skipped', { datasetId: id });
        for (const s of rows) io.out(`${s.reason.padEnd(18)} ${s.path}  ${s.detail}`);
        io.out(`${rows.length} skipped`);
        return 0;
      }
      case 'train': {
        const id = await datasetId(svc, str(flags, 'dataset'));
        const noiseKind = str(flags, 'noise');
        const cfg = {
          model: str(flags, 'model') ?? 'vae',
          family: str(flags, 'family') ?? 'mlp',
          latent: num(flags, 'latent') ?? 20,
          latent2: num(flags, 'latent2'),
          hidden: str(flags, 'hidden')?.split(',').map(Number),
          activation: str(flags, 'activation'),
          likelihood: str(flags, 'likelihood') ?? 'bernoulli',
          sigma: num(flags, 'sigma'),
          beta: num(flags, 'beta') ?? 1,
          warmup: num(flags, 'warmup'),
          noise: noiseKind ? { kind: noiseKind, level: num(flags, 'noise-level') ?? 0.3 } : undefined,
          learnedPrior: flags['learned-prior'] ? true : undefined,
          epochs: num(flags, 'epochs') ?? 10,
          batch: num(flags, 'batch') ?? 128,
          lr: num(flags, 'lr') ?? 1e-3,
          seed: num(flags, 'seed') ?? 1,
          limit: num(flags, 'limit'),
        };
        for (const k of Object.keys(cfg) as (keyof typeof cfg)[]) if (cfg[k] === undefined) delete cfg[k];
        const parsed = trainConfigSchema.safeParse(cfg);
        if (!parsed.success) {
          const i = parsed.error.issues[0]!;
          throw new CliError(`--${String(i.path[0] ?? 'config')}: ${i.message}`);
        }
        const { jobId, runId: rid } = await call(svc, 'runs:start', {
          datasetId: id,
          config: cfg as ArgsIn<'runs:start'>['config'],
          name: str(flags, 'name'),
          backend,
        });
        return await followTraining(svc, jobId, rid, io);
      }
      case 'resume': {
        const rid = await runId(svc, positional[1] ?? str(flags, 'run'));
        const { jobId } = await call(svc, 'runs:resume', { runId: rid });
        return await followTraining(svc, jobId, rid, io);
      }
      case 'runs': {
        const runs = await call(svc, 'runs:list', {});
        if (runs.length === 0) io.out('no runs yet: latent-lab train --dataset <name> --model vae');
        else
          table(
            [
              ['id', 'name', 'dataset', 'model', 'latent', 'status', 'epochs', 'best held-out', 'time', 'backend'],
              ...runs.map((r) => [
                r.id,
                r.name,
                r.datasetName,
                r.config.model,
                r.config.latent,
                r.status,
                `${r.epochsDone}/${r.config.epochs}`,
                r.bestHeldOut?.toFixed(2) ?? '-',
                fmtEta(r.seconds) || '0s',
                r.backend ?? '-',
              ]),
            ],
            io,
          );
        return 0;
      }
      case 'dims': {
        const rid = await runId(svc, positional[1] ?? str(flags, 'run'));
        const level = num(flags, 'level') === 2 ? 2 : 1;
        const d = await call(svc, 'explore:dims', { runId: rid, level });
        io.out(
          `run ${rid}${level === 2 ? ', top level z2' : ''}: ${d.activeUnits} of ${d.latent} dimensions active (variance of the mean > 0.01), most informative first`,
        );
        table(
          [['dim', 'KL (nats)', 'variance of mean'], ...d.dims.map((x) => [`z${x.index}`, x.kl.toFixed(3), x.variance.toFixed(3)])],
          io,
        );
        return 0;
      }
      case 'evaluate': {
        const rid = await runId(svc, str(flags, 'run'));
        const k = num(flags, 'iwae') ?? 1;
        const t0 = Date.now();
        const e = await call(svc, 'explore:evaluate', { runId: rid, iwae: k, limit: num(flags, 'limit') });
        io.out(
          `run ${rid}: ${e.images} test images, MSE ${e.mse.toFixed(5)}, PSNR ${e.psnr.toFixed(2)} dB, active units ${e.activeUnits}${e.accuracy !== null ? `, classification accuracy ${(e.accuracy * 100).toFixed(2)}%` : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
        );
        io.out(
          `ELBO: ${e.elbo.toFixed(2)} nats (negative ELBO per image)  IWAE k=${e.k}: ${e.iwae !== null ? `${e.iwae.toFixed(2)} nats` : 'n/a (use --iwae K with K > 1)'}`,
        );
        return 0;
      }
      case 'sweep': {
        const rid = await runId(svc, str(flags, 'run'));
        await writeGrid(
          svc,
          {
            kind: 'sweep',
            runId: rid,
            dims: pair(flags, 'dims') ?? [0, 1],
            grid: num(flags, 'grid') ?? 16,
            range: pair(flags, 'range') ?? [-3, 3],
            spacing: str(flags, 'spacing') === 'normal' ? 'normal' : 'linear',
            base: parseBase(str(flags, 'base')),
            label: num(flags, 'label'),
          },
          flags,
          io,
        );
        return 0;
      }
      case 'samples': {
        const rid = await runId(svc, str(flags, 'run'));
        await writeGrid(
          svc,
          { kind: 'samples', runId: rid, n: num(flags, 'n') ?? 64, seed: num(flags, 'seed') ?? 1, label: num(flags, 'label') },
          flags,
          io,
        );
        return 0;
      }
      case 'reconstruct': {
        const rid = await runId(svc, str(flags, 'run'));
        await writeGrid(svc, { kind: 'reconstruct', runId: rid, n: num(flags, 'n') ?? 16, offset: num(flags, 'offset') ?? 0 }, flags, io);
        return 0;
      }
      case 'interpolate': {
        const rid = await runId(svc, str(flags, 'run'));
        const a = num(flags, 'from');
        const b = num(flags, 'to');
        if (a === undefined || b === undefined) throw new CliError('--from and --to are required (dataset image indices)');
        const compare = str(flags, 'compare');
        await writeGrid(
          svc,
          {
            kind: 'interpolate',
            runId: rid,
            a,
            b,
            steps: num(flags, 'steps') ?? 10,
            mode: flags.slerp ? 'slerp' : 'linear',
            compareRunId: compare ? await runId(svc, compare) : undefined,
          },
          flags,
          io,
        );
        return 0;
      }
      case 'nearest': {
        const rid = await runId(svc, str(flags, 'run'));
        await writeGrid(
          svc,
          { kind: 'nearest', runId: rid, n: num(flags, 'n') ?? 8, seed: num(flags, 'seed') ?? 1, label: num(flags, 'label') },
          flags,
          io,
        );
        return 0;
      }
      case 'classes': {
        const rid = await runId(svc, str(flags, 'run'));
        await writeGrid(
          svc,
          {
            kind: 'classes',
            runId: rid,
            dim: num(flags, 'dim') ?? 0,
            steps: num(flags, 'steps') ?? 10,
            range: pair(flags, 'range') ?? [-3, 3],
          },
          flags,
          io,
        );
        return 0;
      }
      case 'export-grid': {
        const raw = str(flags, 'spec');
        if (!raw) throw new CliError('--spec is required: a grid spec as JSON, e.g. {"kind":"samples","runId":1,"n":64}');
        let spec: GridSpec;
        try {
          spec = JSON.parse(raw) as GridSpec;
        } catch (e) {
          throw new CliError(`--spec: not valid JSON (${(e as Error).message})`);
        }
        await writeGrid(svc, spec, flags, io);
        return 0;
      }
      case 'export-metrics': {
        const rid = await runId(svc, str(flags, 'run'));
        const r = await call(svc, 'export:metrics', { runId: rid, path: str(flags, 'out') });
        if (r.path) io.out(`wrote ${r.path}`);
        else io.out(r.csv.trimEnd());
        return 0;
      }
      case 'export-model': {
        const rid = await runId(svc, str(flags, 'run'));
        const out = str(flags, 'out');
        if (!out) throw new CliError('--out is required (a folder for model.json and the weights)');
        const r = await call(svc, 'export:model', { runId: rid, path: out });
        io.out(`wrote ${r.files.join(', ')} to ${r.path}`);
        return 0;
      }
      case 'serve': {
        const { startServer } = await import('./server');
        const s = await startServer({ service: svc, port: num(flags, 'port') ?? 0, host: str(flags, 'host') ?? '127.0.0.1' });
        io.out(`Latent Lab is serving on ${s.url}`);
        io.out('open it in a browser; Ctrl+C stops the server');
        await new Promise<void>((res) => {
          process.once('SIGINT', res);
          process.once('SIGTERM', res);
        });
        await s.close();
        return 0;
      }
    }
    return 2;
  } catch (err) {
    io.err(`latent-lab ${cmd}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await svc?.close();
  }
}

async function followTraining(svc: LatentLabService, jobId: string, rid: number, io: CliIo): Promise<number> {
  const info = await call(svc, 'app:info', {});
  io.out(`run ${rid} training on ${info.backendDetail}`);
  let offEpoch: (() => void) | undefined;
  let offWarn: (() => void) | undefined;
  try {
    await follow(svc, jobId, io, () => {
      offWarn = svc.on('run:warning', ({ runId: r, message }) => {
        if (r === rid) io.err(`warning: ${message}`);
      });
      offEpoch = svc.on('run:metric', ({ runId: r, row }) => {
        if (r !== rid || row.kind !== 'epoch') return;
        if (io.isTty) process.stdout.write('\r\x1b[K');
        io.out(
          `epoch ${row.epoch}: loss ${row.loss.toFixed(2)} (recon ${row.recon.toFixed(2)} + KL ${row.kl.toFixed(2)}) held-out loss: ${row.heldOut?.toFixed(2)} nats, ${Math.round(row.imagesPerSec ?? 0)} images/s`,
        );
      });
    });
  } finally {
    offEpoch?.();
    offWarn?.();
  }
  const r = await call(svc, 'runs:get', { runId: rid });
  return r.status === 'done' || r.status === 'cancelled' ? 0 : 1;
}

// Only when run directly (tsx src/main/cli.ts, the bin, or the bundled cli), not when imported by tests.
const entry = process.argv[1] ?? '';
if (/cli\.(ts|js|mjs)$/.test(entry) || entry.endsWith('latent-lab') || entry.endsWith('latent-lab.mjs')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
