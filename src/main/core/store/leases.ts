// Leases: a run is trained, resumed or deleted by one process at a time, whichever process
// opened the data folder (the app, a server, the CLI). The claim is a row in run_leases,
// checked and written in one IMMEDIATE transaction, so two processes cannot both pass it.
// A lease whose process is gone (same host, pid not alive) is taken over; one from another
// host cannot be checked and is refused, naming that host.
import { hostname } from 'node:os';
import { AppFailure } from '../../../shared/contract';
import type { Db } from './db';
import { processAlive } from './queries';

export type LeasePurpose = 'training' | 'deleting';

export interface LeaseHolder {
  pid: number;
  host: string;
  purpose: LeasePurpose;
  since: string;
}

export interface Me {
  pid: number;
  host: string;
}

/** The leases (`run:pid@host`) this process holds, per open database; a row of ours not in here is left over. */
const held = new WeakMap<Db, Set<string>>();

const key = (runId: number, me: Me): string => `${runId}:${me.pid}@${me.host}`;

function heldBy(db: Db): Set<string> {
  let s = held.get(db);
  if (!s) held.set(db, (s = new Set()));
  return s;
}

export function leaseHolder(db: Db, runId: number): LeaseHolder | undefined {
  return db.prepare('SELECT pid, host, purpose, since FROM run_leases WHERE run_id = ?').get(runId) as LeaseHolder | undefined;
}

function isStale(db: Db, runId: number, h: LeaseHolder, me: Me, isAlive: (pid: number) => boolean): boolean {
  if (h.host !== me.host) return false;
  if (h.pid === me.pid) return !heldBy(db).has(key(runId, me));
  return !isAlive(h.pid);
}

function busyMessage(runId: number, h: LeaseHolder, me: Me): string {
  const who = h.pid === me.pid && h.host === me.host ? 'this process' : `process ${h.pid} on ${h.host}`;
  const what = h.host === me.host ? 'wait until it ends or stop that process' : `if that process is gone, stop it on ${h.host} first`;
  return `run ${runId} is held for ${h.purpose} by ${who} since ${h.since}; ${what}`;
}

/**
 * Claims the run for this process, or throws `busy` naming who holds it. `then` runs inside
 * the same transaction (a delete that must not race a claim). Returns the release.
 */
export function claimRun(
  db: Db,
  runId: number,
  purpose: LeasePurpose,
  then?: () => void,
  me: Me = { pid: process.pid, host: hostname() },
  isAlive: (pid: number) => boolean = processAlive,
): () => void {
  const tx = db.transaction(() => {
    const h = leaseHolder(db, runId);
    if (h && !isStale(db, runId, h, me, isAlive)) throw new AppFailure('busy', busyMessage(runId, h, me));
    db.prepare('INSERT OR REPLACE INTO run_leases (run_id, pid, host, purpose, since) VALUES (?, ?, ?, ?, ?)').run(
      runId,
      me.pid,
      me.host,
      purpose,
      new Date().toISOString(),
    );
    then?.();
  });
  tx.immediate();
  heldBy(db).add(key(runId, me));
  let released = false;
  return () => {
    if (released) return;
    released = true;
    heldBy(db).delete(key(runId, me));
    // a failed delete (full disk, closed db) leaves a row this process no longer holds: the next claim takes it over
    try {
      if (db.open) db.prepare('DELETE FROM run_leases WHERE run_id = ? AND pid = ? AND host = ?').run(runId, me.pid, me.host);
    } catch {
      // see above
    }
  };
}
