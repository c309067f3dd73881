// Grids are decoded on a thread of their own, so the thread that answers every other call (and
// reads the WebSocket) never waits behind a decode: a 16x16 sweep of a 64 px conv model takes
// tens of milliseconds, and with several windows or clients sweeping they queue. The thread is
// started on the first grid, keeps its models and datasets warm between calls (the explore
// caches' pattern), and is started again after a crash. ARCHITECTURE.md, "The three doors".
import type { Worker } from 'node:worker_threads';
import type { Grid, GridSpecParsed } from '../../../../shared/contract';
import { AppFailure } from '../../../../shared/result';
import { startWorker } from '../../workers/run';
import type { FromGridThread, GridThreadData, ToGridThread } from './thread-protocol';
import { currentStages, type Stages } from '../../timing';

interface Pending {
  resolve(g: Grid): void;
  reject(e: Error): void;
  /** the call's record of stages (timing.ts), filled when the answer comes */
  stages: Stages | undefined;
  sentAt: number;
}

export class GridThread {
  private worker: Worker | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly data: GridThreadData) {}

  build(spec: GridSpecParsed): Promise<Grid> {
    if (this.closed) return Promise.reject(new AppFailure('internal', 'the service is closing'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<Grid>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, stages: currentStages(), sentAt: performance.now() });
      // a pending grid keeps the process alive (the CLI's `sweep` awaits it), an idle thread not
      if (this.pending.size === 1) worker.ref();
      this.send(worker, { type: 'grid', id, spec });
    });
  }

  /** A dataset's pixels or labels changed (relabel, delete): the thread forgets its copy. */
  dropDataset(datasetId: number): void {
    if (this.worker) this.send(this.worker, { type: 'drop-dataset', datasetId });
  }

  /** A run was deleted: the thread forgets its models. */
  dropRun(runId: number): void {
    if (this.worker) this.send(this.worker, { type: 'drop-run', runId });
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    this.send(w, { type: 'close' });
    // a thread stuck in a long decode is not waited for
    const timer = setTimeout(() => void w.terminate(), 2000);
    await exited;
    clearTimeout(timer);
    this.failAll(new AppFailure('internal', 'the service closed before the grid was drawn'));
  }

  private start(): Worker {
    const w = startWorker('grids', this.data satisfies GridThreadData);
    // idle, the thread must not keep the process alive (the CLI exits when done)
    w.unref();
    w.on('message', (m: FromGridThread) => this.receive(m));
    w.on('error', (err) => this.lost(w, `the grid thread failed: ${err.message}`));
    w.on('exit', (code) => this.lost(w, `the grid thread exited (code ${code})`));
    this.worker = w;
    return w;
  }

  private send(w: Worker, m: ToGridThread): void {
    w.postMessage(m);
  }

  private receive(m: FromGridThread): void {
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (m.type === 'grid') {
      if (p.stages) {
        for (const [name, ms] of Object.entries(m.stages)) p.stages[`thread.${name}`] = ms;
        p.stages['thread'] = m.ms;
        // both ways between the threads: the round trip less the thread's own time
        p.stages['thread hop'] = performance.now() - p.sentAt - m.ms;
      }
      p.resolve(m.grid);
    } else p.reject(m.code ? new AppFailure(m.code, m.message) : new Error(m.message));
  }

  /** The thread died: its calls fail with why, and the next grid starts a new one. */
  private lost(w: Worker, why: string): void {
    if (this.worker === w) this.worker = null;
    this.failAll(new Error(why));
  }

  private failAll(e: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
  }
}
