// Which checkpoint a resume starts from: the newest the database records, or the epoch the
// caller names. A damaged one (a truncated weights file) is found here, before anything
// changes, so the resume is refused naming the damage and offering the intact checkpoint of
// an earlier epoch; before, the training job met it, and the run ended failed.
import { join } from 'node:path';
import { AppFailure } from '../../../../shared/contract';
import * as q from '../../store/queries';
import { readCheckpoint } from '../../train';
import type { Context } from '../context';

type Checkpoint = { epoch: number; path: string };
/** and the engine it was trained on (its trainingState.backend), which a torch run resumes on */
type ResumePoint = Checkpoint & { trainedOn: string | null };

/** Why the checkpoint cannot be resumed from, or null when it reads whole. */
async function damage(ctx: Context, c: Checkpoint): Promise<string | null> {
  return (await check(ctx, c)).why;
}

async function check(ctx: Context, c: Checkpoint): Promise<{ why: string | null; trainedOn: string | null }> {
  try {
    const read = await readCheckpoint(join(ctx.dataDir, c.path), true);
    return { why: null, trainedOn: read.json.trainingState.backend ?? null };
  } catch (e) {
    return { why: e instanceof Error ? e.message : String(e), trainedOn: null };
  }
}

/** The checkpoint to resume run `runId` from (null: none yet, start from scratch). */
export async function resumePoint(ctx: Context, runId: number, fromEpoch?: number): Promise<ResumePoint | null> {
  const all = q.listCheckpoints(ctx.db, runId);
  if (fromEpoch !== undefined) {
    const c = all.find((k) => k.epoch === fromEpoch);
    if (!c) {
      const kept = all.map((k) => k.epoch).join(', ') || 'none';
      throw new AppFailure('bad-args', `fromEpoch: run ${runId} keeps no checkpoint of epoch ${fromEpoch} (it keeps: ${kept})`);
    }
    const { why, trainedOn } = await check(ctx, c);
    if (why) throw new AppFailure('conflict', `cannot resume run ${runId} from epoch ${fromEpoch}: its checkpoint is damaged (${why})`);
    return { ...c, trainedOn };
  }
  const latest = all[0];
  if (!latest) return null;
  const { why, trainedOn } = await check(ctx, latest);
  if (!why) return { ...latest, trainedOn };
  for (const older of all.slice(1)) {
    if (await damage(ctx, older)) continue;
    throw new AppFailure(
      'conflict',
      `cannot resume run ${runId}: the checkpoint of epoch ${latest.epoch} is damaged (${why}). ` +
        `The checkpoint of epoch ${older.epoch} is intact: resume from it (fromEpoch ${older.epoch}; on the command line ` +
        `\`resume ${runId} --from-epoch ${older.epoch}\`), which trains epochs ${older.epoch + 1} to ${latest.epoch} again.`,
    );
  }
  throw new AppFailure(
    'conflict',
    `cannot resume run ${runId}: the checkpoint of epoch ${latest.epoch} is damaged (${why}), and no intact earlier one is kept`,
  );
}
