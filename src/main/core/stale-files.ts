// At start: what killed writes left behind inside the data folder, and only there. A temp file
// carries its writer's pid (`<name>.tmp-<pid>-<rand>`, export/atomic.ts) and goes only when
// that process is gone; a checkpoint leftover only for a run no live process holds (leases);
// a pixel file no dataset references only once it is a minute old (an import in another
// process writes its file just before it records it).
import { readdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Db } from './store/db';
import { leaseHolder } from './store/leases';
import { processAlive } from './store/queries';
import * as q from './store/queries';
import { pruneCheckpoints } from './train';

const UNREFERENCED_AGE_MS = 60_000;

export interface Swept {
  /** paths removed, relative to the data folder */
  removed: string[];
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** A temp file of export/atomic.ts whose writer is gone. */
function deadTemp(name: string, isAlive: (pid: number) => boolean): boolean {
  const m = /\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
  return !!m && !isAlive(Number(m[1]));
}

export async function sweepOrphans(db: Db, dataDir: string, isAlive: (pid: number) => boolean = processAlive): Promise<Swept> {
  const removed: string[] = [];
  const remove = (rel: string): void => {
    rmSync(join(dataDir, rel), { recursive: true, force: true });
    removed.push(rel);
  };

  const files = new Set(q.listDatasets(db).map((d) => d.file.split(/[\\/]/).pop()));
  for (const n of list(join(dataDir, 'datasets'))) {
    const rel = join('datasets', n);
    if (deadTemp(n, isAlive)) remove(rel);
    else if (n.endsWith('.lld') && !files.has(n) && Date.now() - statSync(join(dataDir, rel)).mtimeMs > UNREFERENCED_AGE_MS) remove(rel);
  }

  const runs = new Map(q.listRuns(db).map((r) => [r.dir.split(/[\\/]/).pop(), r.id]));
  for (const n of list(join(dataDir, 'runs'))) {
    const id = runs.get(n);
    if (id === undefined) {
      // a run folder whose row is gone (a delete killed between the commit and the removal)
      if (/^\d+$/.test(n)) remove(join('runs', n));
      continue;
    }
    const h = leaseHolder(db, id);
    if (h && (h.host !== hostname() || isAlive(h.pid))) continue; // another process trains it: its files are in use
    const cdir = join('runs', n, 'checkpoints');
    for (const c of list(join(dataDir, cdir))) {
      if (deadTemp(c, isAlive) || /^epoch-\d+\.tmp$/.test(c)) remove(join(cdir, c));
    }
    // checkpoint folders the database does not reference (written, never committed)
    await pruneCheckpoints(join(dataDir, 'runs', n), q.checkpointPaths(db, id));
  }
  return { removed };
}
