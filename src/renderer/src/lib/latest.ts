// Answers can come back out of order (a slow grid, then a fast one), so a view that asks again
// must drop the older answer or it would overwrite the newer one. Both helpers here do that.

/** Start a request; its answer reaches `use` only while no newer request (or cancel) came since. */
export interface Latest {
  <T>(request: Promise<T>, use: (value: T) => void, fail?: (err: unknown) => void): Cancel;
  /** Drop every answer still on its way (the run changed, the view went away). */
  cancel(): void;
}

/** Drops this request's answer unless a newer one has started; returned so an $effect can tear down with it. */
export type Cancel = () => void;

/**
 * One request counter: each call supersedes the calls before it. A failed request, or a `use`
 * that throws, goes to `fail` (when given; else it stays an unhandled rejection, as before).
 *
 *   const drawn = latest();
 *   $effect(() => drawn(api['explore:grid'](spec), (r) => (grid = unwrap(r)), (e) => handleError(e, 'Drawing')));
 */
export function latest(): Latest {
  let current = 0;
  const start = <T>(request: Promise<T>, use: (value: T) => void, fail?: (err: unknown) => void): Cancel => {
    const mine = ++current;
    const live = (): boolean => mine === current;
    const failed = (err: unknown): void => {
      if (!fail) throw err;
      fail(err);
    };
    void request.then(
      (value) => {
        if (!live()) return;
        try {
          use(value);
        } catch (err) {
          failed(err);
        }
      },
      (err: unknown) => {
        if (live()) failed(err);
      },
    );
    return () => {
      if (live()) current++; // a newer request is not ours to cancel
    };
  };
  return Object.assign(start, {
    cancel: () => {
      current++;
    },
  });
}

// "Redraw while the slider moves" without a backlog: at most `depth` requests in flight (one
// by default); while they run, newer requests overwrite each other and only the newest is sent
// when a slot frees. An answer older than one already shown is dropped. A depth of 2 keeps the
// server decoding the next grid while this one travels and is drawn: for a 16x16 grid of 64 px
// faces the decode is ~15 ms of a ~30 ms round trip, so one at a time leaves it idle half the drag.
export class LatestOnly<A, R> {
  #inFlight = 0;
  #pending: { args: A } | null = null;
  /** bumped by reset(): answers of an older epoch are ignored */
  #epoch = 0;
  #sent = 0;
  #shown = 0;

  constructor(
    private readonly fn: (args: A) => Promise<R>,
    private readonly onResult: (result: R, args: A) => void,
    private readonly onError: (err: unknown) => void,
    private readonly depth = 1,
  ) {}

  get busy(): boolean {
    return this.#inFlight > 0;
  }

  /** a newer request waits for a slot, or a newer one is still on its way */
  get hasPending(): boolean {
    return this.#pending !== null || this.#inFlight > 1;
  }

  request(args: A): void {
    if (this.#inFlight >= this.depth) {
      this.#pending = { args }; // the stale one is dropped here, never queued
      return;
    }
    this.#run(args);
  }

  /** Forget pending work and ignore answers still on their way (the run changed). */
  reset(): void {
    this.#epoch++;
    this.#pending = null;
    this.#inFlight = 0;
  }

  #run(args: A): void {
    this.#inFlight++;
    const epoch = this.#epoch;
    const seq = ++this.#sent;
    const answer = new Promise<R>((resolve) => resolve(this.fn(args))); // a throw becomes a rejection
    const settle = (use: () => void): void => {
      if (epoch !== this.#epoch) return; // reset() since: not ours, and the slot was freed then
      this.#inFlight--;
      // handed over before the next request goes, so onResult still sees hasPending
      if (seq > this.#shown) {
        this.#shown = seq;
        try {
          use();
        } catch (err) {
          this.onError(err);
        }
      }
      this.#next();
    };
    answer.then(
      (result) => settle(() => this.onResult(result, args)),
      (err: unknown) => settle(() => this.onError(err)),
    );
  }

  #next(): void {
    const next = this.#pending;
    if (!next || this.#inFlight >= this.depth) return;
    this.#pending = null;
    this.#run(next.args);
  }
}
