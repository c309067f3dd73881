// A small LRU of expensive things (datasets read from disk, models rebuilt from checkpoints)
// that explore calls share. Calls come in parallel, so: one load per key however many cold
// calls arrive together; a value is leased, and one evicted while a call still holds it is
// disposed only on the last release (disposing a model under a running call breaks that
// call); the cache is bounded by bytes as well as by entries.

export interface CacheOptions<V> {
  /** most bytes the cached values may hold; the newest entry stays even when it alone is larger */
  maxBytes: number;
  maxEntries?: number;
  sizeOf(value: V): number;
  /** frees what the garbage collector cannot (TF.js tensors); omitted for plain memory */
  dispose?(value: V): void;
}

export interface Lease<V> {
  readonly value: V;
  /** call once when done with the value; more calls do nothing */
  release(): void;
}

interface Entry<V> {
  loading: Promise<V>;
  value?: V;
  bytes: number;
  refs: number;
  evicted: boolean;
}

export class ResourceCache<K, V> {
  /** insertion order is recency order: a use moves its entry to the end */
  private entries = new Map<K, Entry<V>>();

  constructor(private opts: CacheOptions<V>) {}

  async acquire(key: K, load: () => Promise<V>): Promise<Lease<V>> {
    let e = this.entries.get(key);
    if (e) {
      this.entries.delete(key);
      this.entries.set(key, e);
    } else {
      e = this.startLoad(key, load);
    }
    const entry = e;
    entry.refs++;
    let value: V;
    try {
      value = await entry.loading;
    } catch (err) {
      entry.refs--;
      throw err;
    }
    let released = false;
    return {
      value,
      release: () => {
        if (released) return;
        released = true;
        entry.refs--;
        if (entry.evicted) this.disposeIfUnused(entry);
      },
    };
  }

  /** Runs `f` with the value leased, releasing it however `f` ends. */
  async use<T>(key: K, load: () => Promise<V>, f: (value: V) => Promise<T> | T): Promise<T> {
    const lease = await this.acquire(key, load);
    try {
      return await f(lease.value);
    } finally {
      lease.release();
    }
  }

  /** Evicts the entries whose key matches (a deleted run, a superseded checkpoint). */
  drop(match: (key: K) => boolean): void {
    for (const [key, e] of [...this.entries]) if (match(key)) this.evict(key, e);
  }

  /** Evicts everything (at close). */
  clear(): void {
    this.drop(() => true);
  }

  size(): number {
    return this.entries.size;
  }

  bytes(): number {
    let sum = 0;
    for (const e of this.entries.values()) sum += e.bytes;
    return sum;
  }

  private startLoad(key: K, load: () => Promise<V>): Entry<V> {
    const e: Entry<V> = { loading: load(), bytes: 0, refs: 0, evicted: false };
    this.entries.set(key, e);
    // registered before any caller's await, so the value is in place when they resume
    e.loading.then(
      (v) => {
        e.value = v;
        e.bytes = this.opts.sizeOf(v);
        if (e.evicted) this.disposeIfUnused(e);
        else this.trim();
      },
      () => {
        // forget a failed load so the next call tries again
        if (this.entries.get(key) === e) this.entries.delete(key);
      },
    );
    return e;
  }

  private trim(): void {
    const maxEntries = this.opts.maxEntries ?? Number.POSITIVE_INFINITY;
    for (const [key, e] of [...this.entries]) {
      if (this.entries.size <= 1) return;
      if (this.entries.size <= maxEntries && this.bytes() <= this.opts.maxBytes) return;
      if (e.value !== undefined) this.evict(key, e); // one still loading has no size yet
    }
  }

  private evict(key: K, e: Entry<V>): void {
    this.entries.delete(key);
    e.evicted = true;
    this.disposeIfUnused(e);
  }

  private disposeIfUnused(e: Entry<V>): void {
    if (e.refs > 0 || e.value === undefined) return;
    const v = e.value;
    e.value = undefined;
    this.opts.dispose?.(v);
  }
}
