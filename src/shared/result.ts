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
/** Every error Result goes through here, so none carries more than MESSAGE_MAX characters. */
export const fail = (code: ErrorCode, message: string): Result<never> => ({
  ok: false,
  error: { code, message: clipText(message) },
});

/** The longest error message a Result carries: a message is for a person to read; a longer one
 *  echoes input (a megabyte method name, a 300 kB path) back to whoever sent it. */
export const MESSAGE_MAX = 1000;

/** `text` cut in the middle to at most `max` characters, saying how much went (a path's end stays). */
export function clipText(text: string, max = MESSAGE_MAX): string {
  if (text.length <= max) return text;
  const mark = ` … [${text.length} characters] … `;
  const tail = Math.floor(max / 4);
  return text.slice(0, Math.max(0, max - tail - mark.length)) + mark + text.slice(text.length - tail);
}

/** Any value a caller sent, as a short name for a message: never throws (an object whose
 *  toString is a string, not a function, makes String() throw) and never runs long. */
export function quoteInput(v: unknown, max = 80): string {
  if (typeof v === 'string') return JSON.stringify(v.length > max ? `${v.slice(0, max)}…` : v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v;
}
