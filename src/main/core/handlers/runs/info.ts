// A run as the contract shows it: its record, with the ending the database refused (a full
// disk) in place of a status that would still say "running", and its job.
import type { RunInfo } from '../../../../shared/contract';
import type * as q from '../../store/queries';
import type { Context } from '../context';
import { refusedEnding } from './ending';

/** A run as the contract shows it, with the job that trains it now, and an ending the database has not taken yet (a full disk). */
export function runInfo(ctx: Context, r: q.RunRecord): RunInfo {
  const { dir: _dir, ...rest } = r;
  const ending = r.status === 'running' ? refusedEnding(ctx, r.id) : undefined;
  return { ...rest, ...(ending ? { status: ending.status, error: ending.reason } : {}), jobId: ctx.jobs.jobForRun(r.id) };
}
