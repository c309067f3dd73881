// What the app's sidebar, Runs table and badge do besides training and exploring: rename,
// relabel and delete datasets and runs, list a run's least typical test images, and say what
// computes here and how to get something faster.
import { CliError, defineCommand } from '../command';
import { printTable } from '../io';
import { datasetId, runId } from '../refs';

export const infoCommand = defineCommand({
  name: 'info',
  summary: 'what computes here (explore and training), what would be faster and what it needs',
  flags: {},
  method: 'app:info',
  args: () => ({}),
  print(info, { io }) {
    io.out(`Latent Lab ${info.version}, data in ${info.dataDir}`);
    io.out(`explore:  ${info.backendDetail}`);
    if (!info.training) return;
    io.out(`training: ${info.training.detail}`);
    for (const f of info.training.faster) io.out(`  not ${f.name}: ${f.why}${f.needs ? `\n    needs ${f.needs}` : ''}`);
  },
});

export const renameDatasetCommand = defineCommand({
  name: 'rename-dataset',
  operands: ['<dataset>', '<new name>'],
  summary: 'rename a dataset',
  flags: {},
  method: 'datasets:rename',
  args: async (input, ctx) => ({ datasetId: await datasetId(ctx, input.operands[0]), name: newName(input.operands[1]) }),
  print: (d, { io }) => io.out(`dataset ${d.id} is now "${d.name}"`),
});

export const relabelCommand = defineCommand({
  name: 'relabel',
  operands: ['<dataset>'],
  summary: "rename a dataset's labels: the new name of every label, in order; equal names merge",
  flags: { names: { value: 'a,b,c', help: 'one name per label, in order (without it: the labels, in order)' } },
  method: 'datasets:relabel',
  async args(input, ctx) {
    const id = await datasetId(ctx, input.operands[0]);
    const names = input.str('names');
    if (names === undefined) {
      const d = (await ctx.call('datasets:list', {})).find((x) => x.id === id);
      const now = d?.labelNames.map((n, i) => `${n} (${d.labelCounts[i] ?? 0})`).join(', ');
      throw new CliError(`dataset ${id}'s labels, in order: ${now || 'none'}. Give --names with one new name for each`);
    }
    return { datasetId: id, names: names.split(',').map((n) => n.trim()) };
  },
  print: (d, { io }) => io.out(`dataset ${d.id} "${d.name}": ${d.labelNames.length} labels: ${d.labelNames.join(', ')}`),
});

export const deleteDatasetCommand = defineCommand({
  name: 'delete-dataset',
  operands: ['<dataset>'],
  summary: 'delete a dataset and its runs (asks for --yes, as the app asks first)',
  flags: { yes: { boolean: true, help: 'yes, delete it and every run trained on it' } },
  method: 'datasets:delete',
  async args(input, ctx) {
    const id = await datasetId(ctx, input.operands[0]);
    if (!input.on('yes')) {
      const d = (await ctx.call('datasets:list', {})).find((x) => x.id === id);
      throw new CliError(
        `this deletes dataset ${id} "${d?.name ?? '?'}" (${d?.count ?? '?'} images) and its ${d?.runCount ?? 0} run(s): add --yes to go ahead`,
      );
    }
    return { datasetId: id };
  },
  print: (_r, { io }, args) => io.out(`dataset ${args.datasetId} deleted`),
});

export const renameRunCommand = defineCommand({
  name: 'rename-run',
  operands: ['<run|last>', '<new name>'],
  summary: 'rename a run',
  flags: {},
  method: 'runs:rename',
  args: async (input, ctx) => ({ runId: await runId(ctx, input.operands[0]), name: newName(input.operands[1]) }),
  print: (r, { io }) => io.out(`run ${r.id} is now "${r.name}"`),
});

export const deleteRunCommand = defineCommand({
  name: 'delete-run',
  operands: ['<run|last>'],
  summary: 'delete a run with its checkpoints and metrics (asks for --yes, as the app asks first)',
  flags: { yes: { boolean: true, help: 'yes, delete it' } },
  method: 'runs:delete',
  async args(input, ctx) {
    const id = await runId(ctx, input.operands[0]);
    if (!input.on('yes')) {
      const r = await ctx.call('runs:get', { runId: id });
      throw new CliError(`this deletes run ${id} "${r.name}" (${r.config.model} on ${r.datasetName}): add --yes to go ahead`);
    }
    return { runId: id };
  },
  print: (_r, { io }, args) => io.out(`run ${args.runId} deleted`),
});

export const outliersCommand = defineCommand({
  name: 'outliers',
  operands: ['<run|last>'],
  summary: "the test images the run's model explains worst (the app's Outliers tab): index and negative ELBO in nats, worst first",
  flags: { limit: { value: '32', help: 'how many (1 to 256)' } },
  method: 'explore:outliers',
  args: async (input, ctx) => ({ runId: await runId(ctx, input.operands[0]), limit: input.num('limit') }),
  print({ indices, scores }, { io }) {
    printTable([['index', 'nats'], ...indices.map((i, k) => [i, scores[k]!.toFixed(2)])], io);
  },
});

function newName(name: string | undefined): string {
  if (!name?.trim()) throw new CliError('give the new name as the second argument');
  return name;
}
