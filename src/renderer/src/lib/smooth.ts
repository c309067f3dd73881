// A job's rate and ETA as the status line shows them: exponential averages over the time
// between progress events, so a rate that swings between 30 and 364 images/s, or an ETA
// between 52 s and 10 min, reads as one steady figure. The ETA counts down between events
// (it is a countdown, not a level) and is pulled toward each new estimate.

export interface Smoothed {
  rate: number | null;
  etaSec: number | null;
}

export class RateSmoother {
  #rate: number | null = null;
  #eta: number | null = null;
  #at = 0;

  /** tauSec: how many seconds of history the averages weigh (about 63% of the weight) */
  constructor(private readonly tauSec = 6) {}

  /** A progress event at time `nowMs` with the job's own (noisy) rate and ETA. */
  update(nowMs: number, rate: number | null, etaSec: number | null): Smoothed {
    const first = this.#at === 0;
    const dt = first ? 0 : Math.max(0, (nowMs - this.#at) / 1000);
    this.#at = nowMs;
    const w = first ? 1 : 1 - Math.exp(-dt / this.tauSec);
    if (rate !== null && Number.isFinite(rate)) this.#rate = this.#rate === null ? rate : this.#rate + w * (rate - this.#rate);
    if (etaSec === null || !Number.isFinite(etaSec)) this.#eta = null;
    else if (this.#eta === null) this.#eta = etaSec;
    else {
      const counted = Math.max(0, this.#eta - dt);
      this.#eta = counted + w * (etaSec - counted);
    }
    return { rate: this.#rate, etaSec: this.#eta };
  }
}
