// Messages between the service and its grid thread (grid-thread.ts, grid-thread-worker.ts).
import type { Grid, GridSpecParsed } from '../../../../shared/contract';
import type { ErrorCode } from '../../../../shared/result';
import type { Stages } from '../../timing';

export interface GridThreadData {
  dbFile: string;
  dataDir: string;
  door: 'electron' | 'browser' | 'cli';
  version: string;
  /** the explore backend of the answering thread, so a grid is the same as in-process */
  backend: string;
}

export type ToGridThread =
  | { type: 'grid'; id: number; spec: GridSpecParsed }
  | { type: 'drop-dataset'; datasetId: number }
  | { type: 'drop-run'; runId: number }
  | { type: 'close' };

export type FromGridThread =
  | { type: 'ready' }
  /** stages: the thread's own (timing.ts); ms: from the request's arrival to this answer's post */
  | { type: 'grid'; id: number; grid: Grid; stages: Stages; ms: number }
  | { type: 'error'; id: number; code: ErrorCode | null; message: string };
