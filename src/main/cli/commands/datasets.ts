// Datasets: import one, list them, and show what an import skipped.
import { CliError, defineCommand } from '../command';
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
  },
  method: 'datasets:import',
  args(input) {
    const src = input.operands[0];
    if (!src) throw new CliError('import needs a folder, an IDX file or "mnist"');
    const kind = src === 'mnist' ? 'mnist' : IDX_NAME.test(src) ? 'idx' : 'folder';
    return {
      kind,
      path: kind === 'mnist' ? undefined : src,
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
