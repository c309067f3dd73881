// Where the CLI's output goes. Every line goes through the injected io, so the tests read what
// a user would see; the default io writes to the terminal.

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  isTty: boolean;
  /** redraws the one live status line (a progress bar); '' clears it. Only used when isTty. */
  status?: (line: string) => void;
}

export const defaultIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  isTty: !!process.stdout.isTTY,
  status: (l) => process.stdout.write(l ? `\r${l}\x1b[K` : '\r\x1b[K'),
};

/** Rows as aligned columns, the first row being the header. */
export function printTable(rows: (string | number)[][], io: CliIo): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const r of rows)
    io.out(
      r
        .map((v, c) => String(v).padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    );
}

/** A table of `items`, one column per entry of `columns` (its header: the key), or `empty`
 *  (what to do to have some) when there are none. */
export function printList<T>(items: T[], empty: string, columns: Record<string, (item: T) => string | number>, io: CliIo): void {
  if (items.length === 0) return io.out(empty);
  const cells = Object.values(columns);
  printTable([Object.keys(columns), ...items.map((x) => cells.map((c) => c(x)))], io);
}

/** 42s, 3m07s; '' when unknown (an ETA not yet measured). */
export function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '';
  if (s < 60) return `${Math.round(s)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}
