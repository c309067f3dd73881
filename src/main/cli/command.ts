// What a command is: one entry of the table in commands/index.ts. The entry says how the
// command is written (operands, flags; the usage text is built from it), how its arguments
// become a contract call, and how the call's result is printed.
import type { ArgsIn, Results, ServiceMethod } from '../../shared/contract';
import type { LatentLabService } from '../core/service';
import type { CliIo } from './io';

/** A refusal meant for the user: printed as `latent-lab <command>: <message>`, no stack. */
export class CliError extends Error {}

export interface Flag {
  /** a switch (--gray) rather than a flag with a value (--side 28) */
  boolean?: true;
  /** the value as the usage shows it: an example, the default or the choices */
  value?: string;
  /** refused before anything runs when missing; `help` says what it is for */
  required?: true;
  help?: string;
}

export type Flags = Record<string, Flag>;

interface CommandBase {
  name: string;
  /** the positional arguments as the usage shows them, e.g. ['<run|last>'] */
  operands?: string[];
  summary: string;
  flags: Flags;
  /** the door the service is opened as: 'cli' unless the command serves another (serve: 'browser') */
  door?: 'browser';
}

export interface Context {
  svc: LatentLabService;
  io: CliIo;
  /** the global --backend, which opened the service and goes to runs:start */
  backend: ArgsIn<'runs:start'>['backend'];
  /** a contract call through the same dispatch as the other doors; a failure is a CliError */
  call<M extends ServiceMethod>(method: M, args: ArgsIn<M>): Promise<Results[M]>;
  /** how long the command's own call took, for print (0 before it is made) */
  seconds: number;
}

/** A command that is one contract call: build its arguments, then print its result. */
export interface CallCommand<M extends ServiceMethod> extends CommandBase {
  method: M;
  args(input: Input, ctx: Context): ArgsIn<M> | Promise<ArgsIn<M>>;
  /** gets the arguments that were sent; returns the exit code when it is not 0 */
  print(result: Results[M], ctx: Context, args: ArgsIn<M>): void | number | Promise<void | number>;
}

/** A command that is not one call (serve). */
export interface RunCommand extends CommandBase {
  run(input: Input, ctx: Context): Promise<number>;
}

export type Command = CallCommand<ServiceMethod> | RunCommand;

/** Checks an entry against its method's types, then forgets the method for the table. */
export function defineCommand<M extends ServiceMethod>(c: CallCommand<M>): Command {
  return c as unknown as Command;
}

type Value = string | boolean | undefined;

/** A command's parsed operands and flags, read through the table's declarations. */
export class Input {
  constructor(
    readonly command: Command,
    readonly operands: string[],
    private readonly values: Record<string, Value>,
  ) {}

  private get(name: string): Value {
    // a typo here would read a flag that never arrives: catch it as a bug, not as "unset"
    if (!(name in this.command.flags)) throw new Error(`${this.command.name} reads --${name}, which its table entry does not declare`);
    return this.values[name];
  }

  str(name: string): string | undefined {
    const v = this.get(name);
    return typeof v === 'string' ? v : undefined;
  }

  /** a flag the table marks required (the parser has refused its absence already) */
  need(name: string): string {
    const v = this.str(name);
    if (v === undefined)
      throw new CliError(`--${name} is required${this.command.flags[name]?.help ? ` (${this.command.flags[name].help})` : ''}`);
    return v;
  }

  on(name: string): boolean {
    return this.get(name) === true;
  }

  num(name: string): number | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new CliError(`--${name}: "${v}" is not a number`);
    return n;
  }

  /** "0,1" → [0, 1] */
  pair(name: string): [number, number] | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    const parts = v.split(',').map(Number);
    if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p)))
      throw new CliError(`--${name}: expected two numbers like 0,1 (got "${v}")`);
    return [parts[0]!, parts[1]!];
  }

  /** "400,200" → [400, 200]; the contract's schema judges the numbers */
  list(name: string): number[] | undefined {
    return this.str(name)?.split(',').map(Number);
  }
}
