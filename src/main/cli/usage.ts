// The usage text, written from the table: a command's synopsis cannot list a flag it does not
// take, nor miss one it does.
import type { Command, Flags } from './command';
import { globalFlags } from './args';

const WIDTH = 100;
/** where a short command's summary starts */
const SUMMARY_COLUMN = 34;

function flagTokens(flags: Flags): string[] {
  return Object.entries(flags).map(([name, f]) => {
    const t = f.boolean ? `--${name}` : `--${name} ${f.value ?? 'V'}`;
    return f.required ? t : `[${t}]`;
  });
}

/** tokens filled into lines of at most WIDTH, the first after `head`, the rest indented */
function wrap(head: string, tokens: string[], indent: string): string[] {
  const lines = [head];
  for (const t of tokens) {
    const last = lines[lines.length - 1]!;
    if (last.length + 1 + t.length > WIDTH && last.trim() !== '') lines.push(`${indent}${t}`);
    else lines[lines.length - 1] = `${last} ${t}`;
  }
  return lines;
}

export function commandUsage(c: Command): string {
  const lines = wrap(`  ${c.name}`, [...(c.operands ?? []), ...flagTokens(c.flags)], '      ');
  const first = lines[0]!;
  if (lines.length === 1 && Math.max(first.length + 2, SUMMARY_COLUMN) + c.summary.length <= WIDTH)
    return `${first.padEnd(SUMMARY_COLUMN - 2)}  ${c.summary}`;
  return [...lines, `      ${c.summary}`].join('\n');
}

export function usage(commands: readonly Command[]): string {
  return [
    'latent-lab — train variational autoencoders and explore their latent space',
    '',
    'usage: latent-lab <command> [options]      latent-lab help <command>: one command',
    '',
    ...commands.map(commandUsage),
    '',
    `every command also takes ${flagTokens(globalFlags).join(' ')}`,
    'Data folder: --data-dir, else $LATENT_LAB_DATA, else ~/.latent-lab',
  ].join('\n');
}
