// Run bundles on the command line: a run as one file, and a bundle imported as a new run.
import { defineCommand } from '../command';
import { runId } from '../refs';

export const exportRunCommand = defineCommand({
  name: 'export-run',
  summary: 'a run as one file (config, weights, metrics, the dataset shape; no images) for import-run',
  flags: {
    run: { value: '<id|last>', required: true, help: 'an id, a name or "last"' },
    out: { value: 'run.llrun', required: true, help: 'where to write the bundle' },
    force: { boolean: true, help: 'overwrite a file already at --out' },
  },
  method: 'runs:export',
  args: async (input, ctx) => ({ runId: await runId(ctx, input.str('run')), path: input.need('out'), overwrite: input.on('force') }),
  print(r, { io }) {
    io.out(
      `wrote ${r.path} (${Math.ceil(r.size / 1024)} kB: config, weights of epoch ${r.epoch}, ${r.metricEpochs} epochs of metrics; no images)`,
    );
  },
});

export const importRunCommand = defineCommand({
  name: 'import-run',
  operands: ['<bundle.llrun>'],
  summary: 'a run bundle as a new run of this data folder (explore and sample it; its images stay behind)',
  flags: { name: { value: 'NAME', help: 'a name for the run (default: its own)' } },
  method: 'runs:import',
  args: (input) => ({ path: input.operands[0], name: input.str('name') }),
  print({ run, dataset: d }, { io }) {
    const shape = `${d.width}x${d.height}x${d.channels}, ${d.labelNames.length} labels`;
    io.out(`imported run "${run.name}" as run ${run.id} (${run.epochsDone} epochs; dataset "${d.name}" without its images: ${shape})`);
  },
});
