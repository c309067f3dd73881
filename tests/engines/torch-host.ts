// A host for the torch engine in a process of its own, so a test can kill it with -9: trains
// the spec given as JSON in argv[2] through the trainer's host and prints each event as a JSON line.
import { trainInProcess, type TrainJobSpec } from '../../src/main/core/train/index.js';

const spec = JSON.parse(process.argv[2]!) as TrainJobSpec;
trainInProcess(spec, (e) => console.log(JSON.stringify(e))).then(
  (outcome) => console.log(JSON.stringify({ type: 'outcome', outcome })),
  (err: Error) => console.log(JSON.stringify({ type: 'failed', message: err.message })),
);
