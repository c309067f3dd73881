// "Redraw while the slider moves" without a backlog: at most one request in flight; while it
// runs, newer requests overwrite each other and only the newest is sent when it returns.
export class LatestOnly<A, R> {
  #busy = false;
  #pending: { args: A } | null = null;
  #generation = 0;

  constructor(
    private readonly fn: (args: A) => Promise<R>,
    private readonly onResult: (result: R, args: A) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  get busy(): boolean {
    return this.#busy;
  }

  /** a newer request waits for the one in flight */
  get hasPending(): boolean {
    return this.#pending !== null;
  }

  request(args: A): void {
    if (this.#busy) {
      this.#pending = { args }; // the stale one is dropped here, never queued
      return;
    }
    void this.#run(args);
  }

  /** Forget pending work and ignore answers still on their way (the run changed). */
  reset(): void {
    this.#generation++;
    this.#pending = null;
    this.#busy = false;
  }

  async #run(args: A): Promise<void> {
    const gen = this.#generation;
    this.#busy = true;
    try {
      const result = await this.fn(args);
      if (gen === this.#generation) this.onResult(result, args);
    } catch (err) {
      if (gen === this.#generation) this.onError(err);
    } finally {
      if (gen === this.#generation) {
        this.#busy = false;
        const next = this.#pending;
        this.#pending = null;
        if (next) void this.#run(next.args);
      }
    }
  }
}
