// Datasets: import one, list them, and show what an import skipped.
import type { ArgsIn } from '../../../shared/contract';
import type { ProbeResult } from '../../../shared/records';
import { CliError, defineCommand, type Context, type Input } from '../command';
import { printList } from '../io';
import { follow } from '../progress';
import { datasetId } from '../refs';

/** An IDX file by its name: train-images-idx3-ubyte, emnist.idx, fashion.idx3-ubyte.gz, ... */
const IDX_NAME = /\.(idx\d?(-ubyte)?|ubyte)(\.gz)?$|-ubyte(\.gz)?$/i;

export const importCommand = defineCommand({
  name: 'import',
  operands: ['<folder | file.idx[.gz] | mnist>'],
  summary: 'import an image folder (subfolders are labels), an MNIST-format IDX file or the built-in MNIST digits',
  flags: {
    name: { value: 'N' },
    gray: { boolean: true },
    rgb: { boolean: true },
    side: { value: '28', help: 'the square side images are resized to' },
    crop: { boolean: true, help: 'crop to the square instead of fitting' },
    'test-share': { value: '0.1' },
    seed: { value: '1' },
    labels: { value: 'labels.idx[.gz]', help: 'an IDX file of labels' },
    'labels-from': {
      value: 'subfolders|name|none',
      help: "a folder's labels: its first-level subfolders, the file names, or none (default: subfolders, else the file names where they hold labels)",
    },
    'label-pattern': {
      value: 'RE',
      help: 'with --labels-from name: a regular expression whose first group is the label (default: the part before the first _, - or digit run)',
    },
  },
  method: 'datasets:import',
  async args(input, ctx) {
    const src = input.operands[0];
    if (!src) throw new CliError('import needs a folder, an IDX file or "mnist"');
    const kind = src === 'mnist' ? 'mnist' : IDX_NAME.test(src) ? 'idx' : 'folder';
    const labels = await folderLabels(input, ctx, kind, src);
    return {
      kind,
      path: kind === 'mnist' ? undefined : src,
      ...labels,
      labelsPath: input.str('labels'),
      name: input.str('name'),
      color: input.on('gray') ? 'gray' : input.on('rgb') ? 'rgb' : 'auto',
      side: input.num('side'),
      resize: input.on('crop') ? 'crop' : 'fit',
      testShare: input.num('test-share'),
      seed: input.num('seed'),
    };
  },
  async print({ jobId }, ctx) {
    const f = await follow(ctx, jobId);
    // the finished event names the dataset it made; a cancelled import made none to report
    if (f.status !== 'done') return 1;
    const ds = (await ctx.call('datasets:list', {})).find((d) => d.id === f.datasetId);
    if (!ds) throw new CliError(`the import finished but dataset ${f.datasetId ?? '?'} is not in the list`);
    ctx.io.out(
      `dataset ${ds.id} "${ds.name}": ${ds.count} images imported, ${ds.skippedCount} skipped (${ds.trainCount} train / ${ds.testCount} test, ${ds.width}x${ds.height}x${ds.channels}, ${ds.labelNames.length} labels)`,
    );
  },
});

const LABELS_FROM = { subfolders: 'subfolders', name: 'pattern', none: 'none' } as const;
type LabelArgs = Pick<ArgsIn<'datasets:import'>, 'labelsFrom' | 'labelPattern'>;

/**
 * Where a folder's labels come from, by the import sheet's rule: subfolders unless told, and
 * the file names where the subfolders give none and the names hold more than one label. Shows
 * the labels and their counts on stderr before the import starts, as the sheet shows them
 * before Import; a bad pattern is refused with what is wrong with it.
 */
async function folderLabels(input: Input, ctx: Context, kind: string, path: string): Promise<LabelArgs> {
  const asked = input.str('labels-from');
  const pattern = input.str('label-pattern');
  if (kind !== 'folder') {
    if (asked !== undefined || pattern !== undefined) throw new CliError('--labels-from and --label-pattern are for an image folder');
    return {};
  }
  if (asked !== undefined && !(asked in LABELS_FROM)) throw new CliError(`--labels-from: "${asked}" is not one of subfolders, name, none`);
  if (pattern !== undefined && asked !== undefined && asked !== 'name')
    throw new CliError(`--label-pattern reads labels from the file names: it goes with --labels-from name, not ${asked}`);
  let from: keyof typeof LABELS_FROM = (asked as keyof typeof LABELS_FROM | undefined) ?? (pattern !== undefined ? 'name' : 'subfolders');
  const args = (): LabelArgs => ({ labelsFrom: LABELS_FROM[from], ...(from === 'name' && pattern ? { labelPattern: pattern } : {}) });
  let probe = await ctx.call('datasets:probe', { path, ...args() });
  let why = asked !== undefined || pattern !== undefined ? '' : ' (the default)';
  if (asked === undefined && pattern === undefined && probe.labels.length === 0 && probe.nameLabels > 1) {
    from = 'name';
    why = ` (no subfolders hold images; the file names hold ${probe.nameLabels} labels by the default rule)`;
    probe = await ctx.call('datasets:probe', { path, ...args() });
  }
  if (probe.labelError) throw new CliError(probe.labelError);
  ctx.io.err(labelPreview(probe, from, why));
  return args();
}

/** "labels from subfolders (the default): 10 labels — 0 980, 1 1135, ...", as the sheet's chips. */
export function labelPreview(probe: ProbeResult, from: 'subfolders' | 'name' | 'none', why: string): string {
  const source = { subfolders: 'subfolders', name: 'file names', none: 'nowhere' }[from];
  const seen = probe.truncated ? ` (from a first look at ${probe.imageFiles} images)` : '';
  if (from === 'none') return `labels: none${why}; ${probe.imageFiles} images${seen}`;
  if (probe.labels.length === 0) return `labels from ${source}${why}: none found${seen}`;
  const SHOWN = 20;
  const chips = probe.labels.slice(0, SHOWN).map((l, i) => `${l} ${probe.labelCounts[i] ?? 0}`);
  const more = probe.labels.length > SHOWN ? `, +${probe.labels.length - SHOWN} more` : '';
  const unlabeled = probe.unlabeled > 0 ? `; ${probe.unlabeled} images without a label` : '';
  return `labels from ${source}${why}: ${probe.labels.length} label${probe.labels.length === 1 ? '' : 's'}${seen} — ${chips.join(', ')}${more}${unlabeled}`;
}

export const datasetsCommand = defineCommand({
  name: 'datasets',
  summary: 'list datasets',
  flags: {},
  method: 'datasets:list',
  args: () => ({}),
  print(all, { io }) {
    const empty = 'no datasets yet: latent-lab import mnist, or latent-lab import <folder>';
    printList(
      all,
      empty,
      {
        id: (d) => d.id,
        name: (d) => d.name,
        images: (d) => d.count,
        train: (d) => d.trainCount,
        test: (d) => d.testCount,
        size: (d) => `${d.width}x${d.height}x${d.channels}`,
        labels: (d) => d.labelNames.length,
        skipped: (d) => d.skippedCount,
      },
      io,
    );
  },
});

export const skippedCommand = defineCommand({
  name: 'skipped',
  operands: ['<dataset>'],
  summary: 'files an import skipped, with the reason',
  flags: {},
  method: 'datasets:skipped',
  args: async (input, ctx) => ({ datasetId: await datasetId(ctx, input.operands[0]) }),
  print(rows, { io }) {
    for (const s of rows) io.out(`${s.reason.padEnd(18)} ${s.path}  ${s.detail}`);
    io.out(`${rows.length} skipped`);
  },
});
