// How much each conditional run's decoder listens to its label (explore/label-dependence.ts):
// the same codes decoded with every label, the label's effect as a share of the code's.
//   npx tsx bench/label-dependence.ts --data-dir /tmp/x [run ids...]
import { join } from 'node:path';
import { initBackend } from '../src/main/core/backend';
import { LABEL_BLIND_RATIO, labelDependence } from '../src/main/core/explore/label-dependence';
import { openDb } from '../src/main/core/store/db';
import * as q from '../src/main/core/store/queries';
import { loadRunModel } from '../src/main/core/train';

const args = process.argv.slice(2);
const at = args.indexOf('--data-dir');
if (at < 0 || !args[at + 1]) throw new Error('usage: bench/label-dependence.ts --data-dir DIR [run ids...]');
const dataDir = args[at + 1]!;
const ids = args.filter((_, i) => i !== at && i !== at + 1).map(Number);
await initBackend('wasm');
const db = openDb(join(dataDir, 'latent-lab.sqlite'));
for (const r of q.listRuns(db).filter((r) => r.config.model === 'cvae' && (ids.length === 0 || ids.includes(r.id)))) {
  const ck = q.bestCheckpoint(db, r.id) ?? q.latestCheckpoint(db, r.id);
  if (!ck) continue;
  const loaded = await loadRunModel(join(dataDir, ck.path));
  const d = labelDependence(loaded);
  const ratio = d ? `${(d.ratio * 100).toFixed(2)}%` : 'n/a (the decoder never sees the label)';
  console.log(
    `run ${r.id} "${r.name}" (${r.datasetName}, epoch ${ck.epoch}): label effect / code effect ${ratio}` +
      (d
        ? ` (across labels ${d.acrossLabels.toExponential(2)}, across codes ${d.acrossCodes.toExponential(2)}; blind below ${(LABEL_BLIND_RATIO * 100).toFixed(0)}%)`
        : ''),
  );
  loaded.dispose();
}
db.close();
