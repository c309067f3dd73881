// How a run ended, kept even when the database cannot take it. On a full disk the run's
// `failed` is refused like every other write; it is tried again until space comes back, but
// if the app stops first the next start would call the run `interrupted`. So each training
// job reserves a small file in its run folder while there is space, and a refused ending is
// written into those reserved bytes in place (no new blocks needed); the next start reads it.
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readOwnFileSync } from '../../data/own-file';
import * as q from '../../store/queries';
import type { Context } from '../context';

const FILE = 'ending';
const RESERVED = 4096;

export interface Ending {
  status: 'failed' | 'cancelled';
  reason: string | null;
}

/** Reserves the ending's bytes (blank) in the run folder; done while the disk still has space. */
export function reserveEnding(runDir: string): void {
  // made anew: opening whatever was put there for writing (a FIFO) would block
  rmSync(join(runDir, FILE), { force: true });
  const fd = openSync(join(runDir, FILE), 'wx');
  try {
    writeSync(fd, Buffer.alloc(RESERVED, 0x20));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes the ending into the reserved bytes (best effort: nothing more can be done on a dead disk). */
function keepEnding(runDir: string, e: Ending): void {
  try {
    const text = Buffer.from(JSON.stringify({ ...e, reason: e.reason?.slice(0, 1000) ?? null }));
    const fd = openSync(join(runDir, FILE), 'r+');
    try {
      writeSync(fd, Buffer.concat([text, Buffer.alloc(Math.max(0, RESERVED - text.length), 0x20)]), 0, RESERVED, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // the reserve is missing or the disk is gone: the retry below is all there is
  }
}

/** The ending a refused write left in the run folder, or null (none, or only the blank reserve). */
export function keptEnding(runDir: string): Ending | null {
  try {
    const e = JSON.parse(readOwnFileSync(join(runDir, FILE), RESERVED).toString('utf8').trim() || 'null') as Ending | null;
    return e && (e.status === 'failed' || e.status === 'cancelled') ? e : null;
  } catch {
    return null;
  }
}

/** Drops the reserve once the database holds the ending. */
export function releaseEnding(runDir: string): void {
  rmSync(join(runDir, FILE), { force: true });
}

/**
 * Endings the database refused so far, per database and run: what the app shows as the run's
 * status until the write goes through (a failed run looked `running` until the next start).
 */
const refused = new WeakMap<object, Map<number, Ending>>();

export function refusedEnding(ctx: Pick<Context, 'db'>, runId: number): Ending | undefined {
  return refused.get(ctx.db)?.get(runId);
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 10_000;

/**
 * Records how a run ended. On a full disk the database refuses this write too: the ending goes
 * into the reserved file and the write is tried again (backing off) until space comes back or
 * the service closes, so the run does not stay `running`, nor become `interrupted` at the next start.
 */
export function writeEnding(ctx: Context, runId: number, runDir: string, e: Ending, delay = RETRY_FIRST_MS): void {
  if (!ctx.db.open) return;
  try {
    q.setRunStatus(ctx.db, runId, e.status, e.reason);
    refused.get(ctx.db)?.delete(runId);
    releaseEnding(runDir);
    ctx.emit('runs:changed', { runId });
  } catch {
    if (delay === RETRY_FIRST_MS) {
      keepEnding(runDir, e);
      if (!refused.has(ctx.db)) refused.set(ctx.db, new Map());
      refused.get(ctx.db)!.set(runId, e);
      ctx.emit('runs:changed', { runId });
    }
    const retry = setTimeout(() => writeEnding(ctx, runId, runDir, e, Math.min(delay * 2, RETRY_MAX_MS)), delay);
    retry.unref();
  }
}
