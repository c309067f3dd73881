// The headless door: read argv against the table of commands, open the same service as the
// app, make the command's contract call through dispatch and print its result.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ServiceMethod } from '../../shared/contract';
import { invoke } from '../dispatch';
import { openService, type LatentLabService } from '../core/service';
import { parseArgv as readArgv, parseCommand } from './args';
import { CliError, type Command, type Context, type Input } from './command';
import { commandByName, commands } from './commands';
import { defaultIo, type CliIo } from './io';
import { nearest } from './nearest';
import { commandUsage, usage } from './usage';

export type { CliIo } from './io';

/** argv as given (command, operands, flags), before a command's own rules apply. */
export const parseArgv = (argv: string[]): ReturnType<typeof readArgv> => readArgv(argv, commands);

/** exit code of a command line that is refused before anything runs (as for an unknown command) */
const USAGE_ERROR = 2;

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const { positional, flags } = parseArgv(argv);
  const name = positional[0];
  if (!name || name === 'help') {
    const topic = name ? commandByName.get(positional[1] ?? '') : undefined;
    io.out(topic ? commandUsage(topic) : usage(commands));
    // a bare `latent-lab` is a mistake; asking for help is not
    return name || flags.help ? 0 : 1;
  }
  const command = commandByName.get(name);
  if (!command) {
    const near = nearest(name, commandByName.keys());
    io.err(`unknown command "${name}"${near ? `; did you mean "${near}"?` : ''}\n\n${usage(commands)}`);
    return USAGE_ERROR;
  }
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand(argv, command);
  } catch (err) {
    io.err(`latent-lab ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return USAGE_ERROR;
  }
  const { input, global } = parsed;
  if (global.help) {
    io.out(commandUsage(command));
    return 0;
  }
  const dataDir = resolve(global.dataDir ?? process.env.LATENT_LAB_DATA ?? join(homedir(), '.latent-lab'));
  let svc: LatentLabService | undefined;
  try {
    svc = await openService({
      dataDir,
      door: command.door ?? 'cli',
      backend: global.backend,
      ...(global.torch ? { torch: global.torch } : {}),
    });
    const ctx = context(svc, io, global.backend);
    return await execute(command, input, ctx);
  } catch (err) {
    io.err(`latent-lab ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await svc?.close();
  }
}

function context(svc: LatentLabService, io: CliIo, backend: Context['backend']): Context {
  return {
    svc,
    io,
    backend,
    seconds: 0,
    async call(method, args) {
      const r = await invoke(svc, method, args);
      if (!r.ok) throw new CliError(r.error.message);
      return r.value;
    },
  };
}

async function execute(command: Command, input: Input, ctx: Context): Promise<number> {
  if ('run' in command) return command.run(input, ctx);
  const args = await command.args(input, ctx);
  const t0 = Date.now();
  const result = await ctx.call(command.method as ServiceMethod, args);
  ctx.seconds = (Date.now() - t0) / 1000;
  const code = await command.print(result, ctx, args);
  // a print may end with an io call whose return value means nothing here (write() gives true)
  return typeof code === 'number' ? code : 0;
}
