// Why a file was left out of an import; one bad file never stops the rest.

export type SkipReason =
  | 'unreadable'
  | 'not-an-image'
  | 'corrupt'
  | 'empty'
  | 'too-many-pixels'
  | 'unsupported-format'
  /** a link out of the chosen folder, a loop, or past the walk's bound: never read */
  | 'not-followed';

export class SkipError extends Error {
  override readonly name = 'SkipError';
  constructor(
    readonly reason: SkipReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** Refuse anything larger before decoding it (a 20000 x 20000 header would need 1.2 GB as RGB). */
export const MAX_PIXELS = 100_000_000;
