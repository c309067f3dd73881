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

// "Redraw while the slider moves" without a backlog: at most one request in flight; while it
// runs, newer requests overwrite each other and only the newest is sent when it returns.
export class LatestOnly<A, R> {
  #busy = false;
  #pending: { args: A } | null = null;
  #requests = latest();

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
    this.#run(args);
  }

  /** Forget pending work and ignore answers still on their way (the run changed). */
  reset(): void {
    this.#requests.cancel();
    this.#pending = null;
    this.#busy = false;
  }

  #run(args: A): void {
    this.#busy = true;
    const answer = new Promise<R>((resolve) => resolve(this.fn(args))); // a throw becomes a rejection
    // the answer is handed over before the next request goes, so onResult still sees hasPending
    this.#requests(
      answer,
      (result) => {
        try {
          this.onResult(result, args);
        } catch (err) {
          this.onError(err);
        }
        this.#next();
      },
      (err) => {
        this.onError(err);
        this.#next();
      },
    );
  }

  #next(): void {
    this.#busy = false;
    const next = this.#pending;
    this.#pending = null;
    if (next) this.#run(next.args);
  }
}
