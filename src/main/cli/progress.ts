// Following a job (an import, a training run) until its one `job:finished` event: a progress
// bar on a terminal, a plain line every few seconds otherwise, Ctrl+C cancels it.
import type { JobFinished, JobProgress } from '../../shared/contract';
import { CliError, type Context } from './command';
import { formatSeconds } from './io';

/** a plain line at most this often when the output is not a terminal (a log, CI) */
const PLAIN_EVERY_MS = 5000;

function bar(done: number, total: number, width = 28): string {
  const f = total > 0 ? Math.min(1, done / total) : 0;
  const n = Math.round(f * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${(f * 100).toFixed(0).padStart(3)}%`;
}

function describe(p: JobProgress): string {
  const rate = p.rate ? ` ${Math.round(p.rate)} ${p.rateUnit}` : '';
  const eta = p.etaSec !== null ? ` ETA ${formatSeconds(p.etaSec)}` : '';
  return `${p.detail}${rate}${eta}`;
}

/**
 * Resolves with the job's finished event (cancelled included); a failed job is a CliError. The
 * runner defers a job's work until after its start call has returned, so listening here, right
 * after that call, cannot miss the event.
 */
export async function follow(ctx: Context, jobId: string): Promise<JobFinished> {
  const { svc, io } = ctx;
  const live = io.isTty ? io.status : undefined;
  let lastLine = 0;
  const offProgress = svc.on('job:progress', (p) => {
    if (p.jobId !== jobId) return;
    if (live) live(`${bar(p.done, p.total)} ${describe(p)}`);
    else if (Date.now() - lastLine > PLAIN_EVERY_MS) {
      lastLine = Date.now();
      io.out(`${p.done}/${p.total} ${describe(p)}`);
    }
  });
  let offFinished = (): void => undefined;
  const finished = new Promise<JobFinished>((res) => {
    offFinished = svc.on('job:finished', (f) => {
      if (f.jobId === jobId) res(f);
    });
  });
  const onSig = (): void => {
    io.err('\ncancelling… (the last checkpoint is kept; `latent-lab resume` continues)');
    void svc['jobs:cancel']({ jobId });
  };
  process.once('SIGINT', onSig);
  try {
    const f = await finished;
    live?.('');
    if (f.status === 'failed') throw new CliError(f.message);
    io.out(f.status === 'cancelled' ? `cancelled: ${f.message}` : f.message);
    return f;
  } finally {
    offProgress();
    offFinished();
    process.off('SIGINT', onSig);
  }
}
