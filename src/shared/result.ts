// Results and errors of the contract, with no dependency at all (no zod): every handler returns
// a Result instead of throwing across a door, and the renderer imports these helpers from here
// without bundling the schemas.

export type ErrorCode =
  | 'bad-args' // the arguments did not match the schema
  | 'not-found' // a dataset, run, image or file that does not exist
  | 'busy' // the resource is in use (a run is already training, ...)
  | 'conflict' // a name is taken, a dataset still has runs, ...
  | 'bad-input' // a file or folder the user gave cannot be used
  | 'unsupported' // the method does not exist at this door (e.g. a dialog in browser mode)
  | 'forbidden' // unknown sender or token
  | 'cancelled'
  | 'internal';

export type AppError = { code: ErrorCode; message: string };
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** An Error that carries a contract error code; the doors turn it into a Result. */
export class AppFailure extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppFailure';
  }
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});
