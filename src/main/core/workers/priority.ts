// Training and the other long jobs (evaluation, UMAP) run in worker threads at a lower CPU
// priority than the thread that answers calls, so a sweep drawn beside a training stays live:
// when both want a core, the scheduler gives the interactive thread most of it, and when the
// app is idle the training gets every cycle as before (a nice value only matters under
// contention). See ARCHITECTURE.md, "Threads".
import { getPriority, setPriority } from 'node:os';

/** The nice value of background threads: 10 gives a busy interactive thread ~10x their CPU share. */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's priority, where that can be done for one thread only.
 * Linux keeps a nice value per thread (setpriority(PRIO_PROCESS, 0) acts on the caller);
 * macOS and Windows apply it to the whole process, which would slow the answering thread
 * too, so there it is left alone. Returns the nice value the thread now has, or null.
 */
export function lowerThisThreadPriority(nice = BACKGROUND_NICE): number | null {
  if (process.platform !== 'linux' || process.env.LATENT_LAB_BACKGROUND_NICE === '0') return null;
  try {
    // never raise it: a thread already nicer than asked (a user's `nice npm start`) stays so
    if (getPriority(0) < nice) setPriority(0, nice);
    return getPriority(0);
  } catch {
    return null; // a sandbox may forbid it; training still runs
  }
}
