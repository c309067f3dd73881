// A data-parallel gradient thread: its own wasm engine and its own copy of the model. Per
// generation: load the weights, write its share's gradient, wait for every slot, take the
// Adam step of its slice. Blocking waits are fine here: this thread has nothing else to do.
import { initBackend } from '../backend.js';
import { createModel } from '../model/vae.js';
import { CTRL, writeError, type GradWorkerData } from './parallel-protocol.js';
import { ParallelShare } from './parallel-share.js';

/** how long one wait lasts before the thread looks again (for a stop it may have missed) */
const WAIT_MS = 1000;

export async function runGradWorker(d: GradWorkerData): Promise<void> {
  const ctrl = new Int32Array(d.memory.ctrl);
  const stopped = () => Atomics.load(ctrl, CTRL.command) !== 0;
  /** blocks until ctrl[index] differs from `from` (or reaches `target` when given) */
  const waitUntil = (index: number, done: (v: number) => boolean) => {
    for (let v = Atomics.load(ctrl, index); !done(v) && !stopped(); v = Atomics.load(ctrl, index)) Atomics.wait(ctrl, index, v, WAIT_MS);
  };
  const count = (index: number) => {
    Atomics.add(ctrl, index, 1);
    Atomics.notify(ctrl, index);
  };
  try {
    await initBackend('wasm');
    const model = createModel(d.config, d.shape, d.numClasses, d.config.seed);
    const channels = d.shape.channels as 1 | 3;
    const data = { height: d.shape.height, width: d.shape.width, channels, pixels: new Uint8Array(d.memory.pixels), labels: d.labels };
    const share = new ParallelShare(model, data, d.memory, d.share, d.shares, d.config.seed);
    let seen = Atomics.load(ctrl, CTRL.generation);
    // the weights this engine holds: after which step's update, and which publish by the leader
    let loaded: { generation: number; published: number } | null = null;
    const load = (generation: number) => {
      const published = Atomics.load(ctrl, CTRL.published);
      share.loadWeights();
      loaded = { generation, published };
    };
    count(CTRL.ready);
    for (;;) {
      waitUntil(CTRL.generation, (g) => g !== seen);
      if (stopped()) break;
      seen = Atomics.load(ctrl, CTRL.generation);
      // the leader wrote this step's indices and arguments before the generation; the weights
      // are loaded already unless the leader published others since (a resume) or the last
      // update was missed (see below)
      const l = loaded as { generation: number; published: number } | null;
      if (!l || l.generation !== seen - 1 || l.published !== Atomics.load(ctrl, CTRL.published)) load(seen - 1);
      share.computeGradient();
      count(CTRL.done);
      waitUntil(CTRL.done, (n) => n >= d.shares);
      if (stopped()) break;
      share.updateSlice();
      count(CTRL.updated);
      // load the new weights as soon as every slice is updated, before the next generation,
      // so the next gradient starts as soon as it is asked for. A leader quick enough to start
      // the next generation first resets the count: then the weights load at the next step.
      waitUntil(CTRL.updated, (u) => u >= d.shares || Atomics.load(ctrl, CTRL.generation) !== seen);
      if (Atomics.load(ctrl, CTRL.generation) === seen) load(seen);
    }
    model.dispose();
  } catch (err) {
    writeError(d.memory, err instanceof Error ? err.message : String(err));
    Atomics.store(ctrl, CTRL.failed, 1);
    // wake the leader whatever it waits on
    for (const i of [CTRL.ready, CTRL.done, CTRL.updated]) Atomics.notify(ctrl, i);
  }
}
