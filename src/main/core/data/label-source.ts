// Where a folder import takes its labels from: the first-level subfolder (the default), the
// file name, or nowhere. A flat folder of `obj1__0.png`, `obj12__35.png`, ... has its labels
// only in the names.
import { basename } from 'node:path';
import { AppFailure } from '../../../shared/result';

export type LabelsFrom = 'subfolders' | 'pattern' | 'none';

export interface LabelSource {
  from: LabelsFrom;
  /** a regular expression with one capturing group, matched against the file name
   *  (`obj1__0.png`); empty or absent: the default rule of defaultNameLabel */
  pattern?: string;
}

/** The default rule: the part of the name (extension dropped) before its first `_` or `-`;
 *  in a name with neither, the part before its first digit run (`cat12` -> `cat`). */
export function defaultNameLabel(fileName: string): string | null {
  const stem = fileName.replace(/\.[^.]*$/, '');
  const cut = /[_-]/.test(stem) ? stem.split(/[_-]/)[0] : stem.split(/\d+/)[0];
  return cut ? cut : null;
}

/** Turns a label source into a function from (file path, subfolder label) to a label; a bad
 *  pattern is refused with a message naming the field. */
export function labelRule(source: LabelSource | undefined): (path: string, subfolder: string | null) => string | null {
  const from = source?.from ?? 'subfolders';
  if (from === 'subfolders') return (_path, subfolder) => subfolder;
  if (from === 'none') return () => null;
  const pattern = source?.pattern?.trim() ?? '';
  if (!pattern) return (path) => defaultNameLabel(basename(path));
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (e) {
    throw new AppFailure('bad-input', `Label pattern: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  // an empty alternative is one more group than the pattern shows: count what the engine sees
  const groups = new RegExp(`${pattern}|`).exec('')!.length - 1;
  if (groups !== 1)
    throw new AppFailure(
      'bad-input',
      `Label pattern: needs exactly one group in parentheses (the label), e.g. ^(.+?)_; "${pattern}" has ${groups}`,
    );
  return (path) => re.exec(basename(path))?.[1] || null;
}

/** Labels and how many files carry each (natural order), and the files that carry none. */
export function countLabels(
  names: (string | null)[],
  compare: (a: string, b: string) => number,
): {
  labels: string[];
  counts: number[];
  unlabeled: number;
} {
  const counts = new Map<string, number>();
  let unlabeled = 0;
  for (const n of names) {
    if (n === null) unlabeled++;
    else counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  const labels = [...counts.keys()].sort(compare);
  return { labels, counts: labels.map((l) => counts.get(l)!), unlabeled };
}
