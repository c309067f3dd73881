// CSV per RFC 4180: fields with a comma, quote, CR/LF or edge spaces are quoted, quotes doubled.

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s: string;
  if (typeof v === 'number') s = Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'bigint' || typeof v === 'boolean') s = String(v);
  else if (v instanceof Date) s = v.toISOString();
  else s = JSON.stringify(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Rows to CSV text with a header line; lines end in \r\n as the RFC says. Without `columns`,
 * the columns are every key in order of first appearance.
 */
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  let cols = columns;
  if (!cols) {
    const seen = new Set<string>();
    for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
    cols = [...seen];
  }
  const lines = [cols.map(cell).join(',')];
  for (const r of rows) lines.push(cols.map((c) => cell(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}
