// PSNR per run (runs:quality), asked once per run and checkpoint, one at a time, so the Runs
// table fills in without a burst of model loads.
import { SvelteMap } from 'svelte/reactivity';
import type { RunInfo, RunQuality } from '../../../shared/contract';
import { api } from './app.svelte';

class Quality {
  readonly #byRun = new SvelteMap<number, RunQuality>();
  #queue: RunInfo[] = [];
  #busy = false;
  /** run id -> the epoch asked for, so a run is not asked twice for one checkpoint */
  #asked = new Map<number, number>();

  get(runId: number): RunQuality | undefined {
    return this.#byRun.get(runId);
  }

  /** Asks for the runs that have a checkpoint and no figure for it yet. */
  want(runs: RunInfo[]): void {
    for (const r of runs) {
      if (r.epochsDone === 0 || r.status === 'running' || this.#asked.get(r.id) === r.epochsDone) continue;
      this.#asked.set(r.id, r.epochsDone);
      this.#queue.push(r);
    }
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let r = this.#queue.shift(); r; r = this.#queue.shift()) {
        const res = await api['runs:quality']({ runId: r.id });
        // a run without a checkpoint or deleted meanwhile simply has no figure
        if (res.ok) this.#byRun.set(r.id, res.value);
      }
    } finally {
      this.#busy = false;
    }
  }
}

export const quality = new Quality();
