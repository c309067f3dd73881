// Training: start a run, resume one, list them. The config goes to runs:start as the user gave
// it; the contract's schema fills the defaults and refuses what is out of range, once.
import {
  families,
  likelihoods,
  modelKinds,
  noiseKinds,
  objectives,
  trainConfigSchema,
  type ArgsIn,
  type DatasetInfo,
} from '../../../shared/contract';
import { recipe, RECIPES } from '../../../shared/recipes';
import { defaultsFor, epochsForSteps, sigmaFor, statsOf } from '../../../shared/train-defaults';
import { CliError, defineCommand, type Context, type Input } from '../command';
import { formatSeconds, printList } from '../io';
import { follow } from '../progress';
import { datasetId, runId } from '../refs';

/** the schema's own defaults, so the usage cannot drift from what a run gets */
const defaults = trainConfigSchema.parse({});

/** the noise level when --noise is given alone */
const NOISE_LEVEL = 0.3;

/**
 * What the dataset's defaults (shared/train-defaults.ts) fill in where no flag was given: the same
 * choices the Train form makes. A flag given stays; the epochs follow the batch given, so the run
 * still takes about the steps the defaults mean. Said aloud, so the run's settings are never a surprise.
 */
function withDataDefaults(
  cfg: ArgsIn<'runs:start'>['config'],
  ds: DatasetInfo,
  input: Input,
  say: (line: string) => void,
): ArgsIn<'runs:start'>['config'] {
  const d = defaultsFor(statsOf(ds));
  const out = { ...cfg };
  const filled: string[] = [];
  const fill = <K extends keyof typeof out>(key: K, value: (typeof out)[K], shown: string): void => {
    if (out[key] !== undefined) return;
    out[key] = value;
    filled.push(shown);
  };
  const model = out.model ?? 'vae';
  fill('family', d.family, `--family ${d.family}`);
  if (out.family === d.family) fill('hidden', d.hidden, `--hidden ${d.hidden.join(',')}`);
  fill('latent', d.latent, `--latent ${d.latent}`);
  fill('likelihood', d.likelihood, `--likelihood ${d.likelihood}`);
  const sigma = d.sigma ?? sigmaFor(statsOf(ds).side);
  if (out.likelihood === 'gaussian') fill('sigma', sigma, `--sigma ${sigma}`);
  fill('batch', d.batch, `--batch ${d.batch}`);
  const epochs =
    out.batch === d.batch ? d.epochs : epochsForSteps(d.steps, out.limit ? Math.min(out.limit, ds.trainCount) : ds.trainCount, out.batch!);
  fill('epochs', epochs, `--epochs ${epochs}`);
  const hasKl = model !== 'ae' && model !== 'dae';
  if (hasKl && d.warmup > 0) fill('warmup', d.warmup, `--warmup ${d.warmup}`);
  if (d.flip && !input.on('no-flip')) fill('flip', true, '--flip');
  if (input.on('no-flip')) out.flip = false;
  if (filled.length)
    say(`defaults for "${ds.name}" (${statsOf(ds).pixels}, ${ds.width} px, ${ds.trainCount} training images): ${filled.join(' ')}`);
  return out;
}

/** The config as the user wrote it: plain strings and numbers, which the contract's schema judges. */
function config(input: Input): ArgsIn<'runs:start'>['config'] {
  const noise = input.str('noise');
  // hvae: --latent 50,25,12 gives every level's size, bottom first
  const [latent, latent2, latent3, latent4, ...extra] = input.list('latent') ?? [];
  if (extra.length) throw new CliError(`--latent: at most 4 sizes (one per hvae level), got ${extra.length + 4}`);
  if ([latent, latent2, latent3, latent4].some((v) => Number.isNaN(v))) {
    throw new CliError(`--latent: "${input.str('latent')}" is not a number or a list of sizes like 50,25,12`);
  }
  return {
    model: input.str('model'),
    family: input.str('family'),
    latent,
    latent2: latent2 ?? input.num('latent2'),
    latent3,
    latent4,
    levels: input.num('levels'),
    hidden: input.list('hidden'),
    activation: input.str('activation'),
    likelihood: input.str('likelihood'),
    sigma: input.num('sigma'),
    beta: input.num('beta'),
    warmup: input.num('warmup'),
    noise: noise ? { kind: noise, level: input.num('noise-level') ?? NOISE_LEVEL } : undefined,
    learnedPrior: input.on('learned-prior') || undefined,
    flip: input.on('flip') || undefined,
    form: input.num('form'),
    objective: input.str('objective'),
    k: input.num('k'),
    epochs: input.num('epochs'),
    batch: input.num('batch'),
    lr: input.num('lr'),
    seed: input.num('seed'),
    limit: input.num('limit'),
    threads: input.num('threads'),
  } as ArgsIn<'runs:start'>['config'];
}

const threads = { value: 'N', help: 'wasm: data-parallel training threads (default: the cores)' };

/** Prints each epoch and the run's warnings until the job ends; 1 when the run did not finish. */
async function followTraining(ctx: Context, jobId: string, rid: number): Promise<number> {
  const { svc, io } = ctx;
  // what the training worker reports at its start (adapter, thread count), as the run records it
  let said = false;
  const offStart = svc.on('job:progress', (p) => {
    if (said || p.kind !== 'train' || p.runId !== rid) return;
    said = true;
    void ctx.call('runs:get', { runId: rid }).then((r) => io.out(`run ${rid} training on ${r.backend ?? 'an unknown backend'}`));
  });
  const offWarn = svc.on('run:warning', ({ runId: r, message }) => {
    if (r === rid) io.err(`warning: ${message}`);
  });
  const offEpoch = svc.on('run:metric', ({ runId: r, row }) => {
    if (r !== rid || row.kind !== 'epoch') return;
    if (io.isTty) io.status?.('');
    io.out(
      `epoch ${row.epoch}: loss ${row.loss.toFixed(2)} (recon ${row.recon.toFixed(2)} + KL ${row.kl.toFixed(2)}) held-out loss: ${row.heldOut?.toFixed(2)} nats, ${Math.round(row.imagesPerSec ?? 0)} images/s`,
    );
  });
  try {
    await follow(ctx, jobId);
  } finally {
    offEpoch();
    offWarn();
    offStart();
  }
  const r = await ctx.call('runs:get', { runId: rid });
  if (r.bestEpoch !== null && r.bestHeldOut !== null && r.status !== 'failed') {
    io.out(
      `best held-out loss ${r.bestHeldOut.toFixed(2)} nats at epoch ${r.bestEpoch}: the checkpoint that evaluate, explore and export use`,
    );
  }
  return r.status === 'done' || r.status === 'cancelled' ? 0 : 1;
}

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'train a model on a dataset (the backend is chosen with the global --backend)',
  flags: {
    dataset: { value: '<name|id>', required: true, help: 'a name, an id, an alias such as mnist or a unique prefix' },
    model: { value: modelKinds.join('|') },
    latent: {
      value: 'N',
      help: 'default: from the dataset (MNIST 20, a small photo set 10); hvae: one size per level, bottom first (50,25,12)',
    },
    latent2: { value: 'N', help: 'hvae: the size of z2' },
    levels: { value: '2..4', help: 'hvae: latent levels (default 2, or as many sizes as --latent gives)' },
    epochs: { value: 'E', help: 'default: from the dataset, about the optimizer steps it needs at the batch given' },
    family: { value: families.join('|'), help: 'default: from the dataset (the flags left out are printed when the run starts)' },
    likelihood: { value: likelihoods.join('|'), help: 'default: bernoulli for binary images, gaussian for grey or colour ones' },
    sigma: { value: 'S', help: 'gaussian: the fixed decoder deviation (default: sqrt(image side) / 16, 0.5 at 64 px)' },
    beta: { value: String(defaults.beta) },
    warmup: { value: 'E', help: 'epochs of KL warm-up' },
    hidden: { value: '400[,400]' },
    activation: { value: 'relu|tanh' },
    noise: { value: noiseKinds.join('|'), help: 'dae: the corruption' },
    'noise-level': { value: String(NOISE_LEVEL) },
    'learned-prior': { boolean: true, help: 'cvae: learn p(z|y) (form 1)' },
    recipe: {
      value: RECIPES.map((x) => x.id).join('|'),
      help: 'start from a recipe (the flags given beside it win); faces: the face-manifold VAE',
    },
    flip: { boolean: true, help: 'mirror about half the training images each epoch (default for photographs)' },
    'no-flip': { boolean: true, help: 'no mirrored images, where the defaults would flip' },
    form: { value: '1|2|3|4', help: 'cvae: 1 learned p(z|y), 2 N(0,I) (default), 3 predicts the label, 4 label in the prior only' },
    objective: { value: objectives.join('|'), help: 'the ELBO, or the importance-weighted bound' },
    k: { value: 'K', help: 'iwae: importance samples per image, 1..50 (default 5)' },
    batch: { value: 'B', help: 'default: from the dataset (128; 32 for a small set)' },
    lr: { value: String(defaults.lr) },
    seed: { value: String(defaults.seed) },
    limit: { value: 'N', help: 'train on the first N images' },
    threads,
    name: { value: 'N' },
  },
  method: 'runs:start',
  args: async (input, ctx) => {
    const id = await datasetId(ctx, input.str('dataset'));
    const ds = (await ctx.call('datasets:list', {})).find((d) => d.id === id);
    const flags = config(input);
    // a recipe is the base; a flag given beside it wins
    const named = input.str('recipe');
    const r = named === undefined ? undefined : recipe(named);
    if (named !== undefined && !r) throw new CliError(`--recipe: "${named}" is not a recipe (${RECIPES.map((x) => x.id).join(', ')})`);
    const given = r ? { ...r.config, ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) } : flags;
    if (r) ctx.io.out(`recipe ${r.id}: ${r.why.map((w) => `${w.choice} (${w.text})`).join('; ')}`);
    return {
      datasetId: id,
      config: ds ? withDataDefaults(given, ds, input, (line) => ctx.io.out(line)) : given,
      name: input.str('name'),
      backend: ctx.backend,
    };
  },
  print: ({ jobId, runId: rid }, ctx) => followTraining(ctx, jobId, rid),
});

export const resumeCommand = defineCommand({
  name: 'resume',
  operands: ['<run|last>'],
  summary: 'continue a run from its last checkpoint',
  flags: {
    run: { value: '<id|last>', help: 'the run, when not given as the operand' },
    'from-epoch': { value: 'E', help: 'start from the checkpoint of epoch E (one the run keeps), not the newest' },
  },
  method: 'runs:resume',
  args: async (input, ctx) => ({
    runId: await runId(ctx, input.operands[0] ?? input.str('run')),
    fromEpoch: input.str('from-epoch') === undefined ? undefined : input.num('from-epoch'),
  }),
  print: ({ jobId, runId: rid }, ctx) => followTraining(ctx, jobId, rid),
});

export const runsCommand = defineCommand({
  name: 'runs',
  summary: 'list runs',
  flags: {},
  method: 'runs:list',
  args: () => ({}),
  print(runs, { io }) {
    printList(
      runs,
      'no runs yet: latent-lab train --dataset <name> --model vae',
      {
        id: (r) => r.id,
        name: (r) => r.name,
        dataset: (r) => r.datasetName,
        model: (r) => r.config.model,
        latent: (r) => r.config.latent,
        status: (r) => r.status,
        epochs: (r) => `${r.epochsDone}/${r.config.epochs}`,
        'best held-out': (r) => (r.bestHeldOut !== null ? `${r.bestHeldOut.toFixed(2)} (epoch ${r.bestEpoch ?? '?'})` : '-'),
        time: (r) => formatSeconds(r.seconds) || '0s',
        backend: (r) => r.backend ?? '-',
      },
      io,
    );
  },
});
