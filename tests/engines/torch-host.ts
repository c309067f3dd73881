// A host for the torch engine in a process of its own, so a test can kill it with -9: runs
// runTorchTraining on the spec given as JSON in argv[2] and prints each event as a JSON line.
import { runTorchTraining, type TorchJobSpec } from '../../src/main/core/engines/torch/run.js';

const spec = JSON.parse(process.argv[2]!) as TorchJobSpec;
runTorchTraining(spec, (e) => console.log(JSON.stringify(e))).then(
  (outcome) => console.log(JSON.stringify({ type: 'outcome', outcome })),
  (err: Error) => console.log(JSON.stringify({ type: 'failed', message: err.message })),
);
