// Exports that are not grids: a run's metrics as CSV and its model (TensorFlow.js, ONNX, the app's own).
import { defineCommand } from '../command';
import { runId } from '../refs';

const run = { value: '<id|last>', required: true, help: 'an id, a name or "last"' } as const;

export const exportMetricsCommand = defineCommand({
  name: 'export-metrics',
  summary: "a run's metrics per step and epoch as CSV (to stdout without --out)",
  flags: { run, out: { value: 'metrics.csv' } },
  method: 'export:metrics',
  args: async (input, ctx) => ({ runId: await runId(ctx, input.str('run')), path: input.str('out') }),
  print(r, { io }) {
    io.out(r.path ? `wrote ${r.path}` : r.csv.trimEnd());
  },
});

export const exportModelCommand = defineCommand({
  name: 'export-model',
  summary: 'the trained model as TensorFlow.js graph models and ONNX, with a README, beside the app format',
  flags: { run, out: { value: 'folder', required: true, help: 'a folder for the models and their README.md' } },
  method: 'export:model',
  args: async (input, ctx) => ({ runId: await runId(ctx, input.str('run')), path: input.need('out') }),
  print(r, { io }) {
    const readme = r.files.find((f) => f.endsWith('README.md'));
    io.out(`wrote ${r.files.length} files to ${r.path}${readme ? `; ${readme} says how to load them` : ''}`);
  },
});
