// Messages between the service and its grid thread (grid-thread.ts, grid-thread-worker.ts).
import type { Grid, GridSpecParsed } from '../../../../shared/contract';
import type { ErrorCode } from '../../../../shared/result';

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
  { type: 'ready' } | { type: 'grid'; id: number; grid: Grid } | { type: 'error'; id: number; code: ErrorCode | null; message: string };
