// Exports that are not grids: a run's metrics as CSV and its model (TensorFlow.js, ONNX, the app's own).
import { defineCommand } from '../command';
import { runId } from '../refs';

const run = { value: '<id|last>', required: true, help: 'an id, a name or "last"' } as const;
const force = { boolean: true, help: 'overwrite a file already at --out' } as const;
const forceModel = { boolean: true, help: 'overwrite the model files already in --out' } as const;

export const exportMetricsCommand = defineCommand({
  name: 'export-metrics',
  summary: "a run's metrics per step and epoch as CSV (to stdout without --out)",
  flags: { run, out: { value: 'metrics.csv', help: 'a file, or a folder for run-<id>-metrics.csv' }, force },
  method: 'export:metrics',
  args: async (input, ctx) => ({ runId: await runId(ctx, input.str('run')), path: input.str('out'), overwrite: input.on('force') }),
  print(r, { io }) {
    io.out(r.path ? `wrote ${r.path}` : r.csv.trimEnd());
  },
});

export const exportModelCommand = defineCommand({
  name: 'export-model',
  summary: 'the trained model as TensorFlow.js graph models and ONNX, with a README, beside the app format',
  flags: { run, out: { value: 'folder', required: true, help: 'a folder for the models and their README.md' }, force: forceModel },
  method: 'export:model',
  args: async (input, ctx) => ({ runId: await runId(ctx, input.str('run')), path: input.need('out'), overwrite: input.on('force') }),
  print(r, { io }) {
    const readme = r.files.find((f) => f.endsWith('README.md'));
    io.out(`wrote ${r.files.length} files to ${r.path}${readme ? `; ${readme} says how to load them` : ''}`);
  },
});
