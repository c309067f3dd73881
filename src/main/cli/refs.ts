// Naming a dataset or a run on the command line: by id, by exact name, by an alias (`mnist`
// for the built-in digits, a folder's or file's base name) or by a unique prefix, ignoring
// case. A match that is not the id or the exact name is said aloud, so a prefix never picks a
// dataset silently.
import { basename, extname } from 'node:path';
import type { DatasetInfo } from '../../shared/contract';
import { CliError, type Context } from './command';

interface Named {
  id: number;
  name: string;
  aliases: string[];
}

type Match = { item: Named; how: 'id' | 'name' | 'alias' | 'prefix' };

/** The rules in order; the first that matches anything decides, and must match one only. */
function match(ref: string, items: Named[], what: string): Match | undefined {
  const lower = ref.toLowerCase();
  const rules: [Match['how'], (x: Named) => boolean][] = [
    ['id', (x) => String(x.id) === ref],
    ['name', (x) => x.name === ref],
    ['name', (x) => x.name.toLowerCase() === lower],
    ['alias', (x) => x.aliases.some((a) => a.toLowerCase() === lower)],
    ['prefix', (x) => x.name.toLowerCase().startsWith(lower) || x.aliases.some((a) => a.toLowerCase().startsWith(lower))],
  ];
  for (const [how, test] of rules) {
    const hits = items.filter(test);
    if (hits.length === 1) return { item: hits[0]!, how };
    if (hits.length > 1) throw new CliError(`"${ref}" matches more than one ${what}: ${hits.map((h) => `${h.id} "${h.name}"`).join(', ')}`);
  }
  return undefined;
}

function say(ctx: Context, ref: string, what: string, m: Match): void {
  if (m.how === 'alias' || m.how === 'prefix')
    ctx.io.out(`${what} "${ref}" is ${m.item.id} "${m.item.name}" (by ${m.how === 'alias' ? 'its alias' : 'prefix'})`);
}

/** What else a dataset answers to: what `import` was given. */
function datasetAliases(d: DatasetInfo): string[] {
  if (d.kind === 'mnist') return ['mnist'];
  const base = basename(d.source);
  return [base, basename(base, extname(base))];
}

export async function datasetId(ctx: Context, ref: string | undefined): Promise<number> {
  if (!ref) throw new CliError('--dataset is required (a name or an id; see `latent-lab datasets`)');
  const all = await ctx.call('datasets:list', {});
  const m = match(
    ref,
    all.map((d) => ({ id: d.id, name: d.name, aliases: datasetAliases(d) })),
    'dataset',
  );
  if (!m) throw new CliError(`no dataset "${ref}"; have: ${all.map((d) => `${d.id} ${d.name}`).join(', ') || 'none (import one first)'}`);
  say(ctx, ref, 'dataset', m);
  return m.item.id;
}

export async function runId(ctx: Context, ref: string | undefined): Promise<number> {
  if (!ref) throw new CliError('--run is required (an id or "last")');
  const runs = await ctx.call('runs:list', {});
  if (ref === 'last') {
    if (!runs[0]) throw new CliError('there are no runs yet; train one first');
    return runs[0].id;
  }
  const m = match(
    ref,
    runs.map((r) => ({ id: r.id, name: r.name, aliases: [] })),
    'run',
  );
  if (!m) throw new CliError(`no run "${ref}"; see \`latent-lab runs\``);
  say(ctx, ref, 'run', m);
  return m.item.id;
}
