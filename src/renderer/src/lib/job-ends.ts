// One way for the renderer to wait for a job's end. A job's one `job:finished` event can come
// before the call that started it has answered with the job's id (quick work; the answer and
// the event travel apart), so endings are kept a while for a waiter still to come. The app sees
// every job end (probes, explore jobs), so what is kept is bounded.
import type { JobFinished } from '../../../shared/contract';

/** Endings kept for a waiter that asks after the job ended. */
export const KEEP_ENDINGS = 64;

export class JobEnds {
  /** the latest endings, oldest first (a Map keeps insertion order) */
  #ended = new Map<string, JobFinished>();
  #waiting = new Map<string, Set<(f: JobFinished) => void>>();

  /** A job ended: its waiters hear of it, and a waiter still to come will. */
  finished(f: JobFinished): void {
    if (this.#ended.has(f.jobId)) return; // told again (one ending per job)
    this.#ended.set(f.jobId, f);
    if (this.#ended.size > KEEP_ENDINGS) this.#ended.delete(this.#ended.keys().next().value!);
    const waiting = this.#waiting.get(f.jobId);
    this.#waiting.delete(f.jobId);
    for (const then of waiting ?? []) then(f);
  }

  /** Calls `then` once with the job's ending, at once if it has ended. Returns a function that stops waiting. */
  onEnd(jobId: string, then: (f: JobFinished) => void): () => void {
    const f = this.#ended.get(jobId);
    if (f) {
      then(f);
      return () => undefined;
    }
    let waiting = this.#waiting.get(jobId);
    if (!waiting) this.#waiting.set(jobId, (waiting = new Set()));
    waiting.add(then);
    return () => {
      waiting.delete(then);
      if (waiting.size === 0 && this.#waiting.get(jobId) === waiting) this.#waiting.delete(jobId);
    };
  }

  /** The job's ending, if it ended lately. */
  ended(jobId: string): JobFinished | undefined {
    return this.#ended.get(jobId);
  }
}
