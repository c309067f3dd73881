// Reading argv with node:util's parseArgs against the table: strict per command, so an unknown
// or misspelled flag is refused by name (with the nearest known one) instead of being ignored.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { backendPrefs, torchDevices } from '../../shared/contract';
import type { TorchDevice, TorchOptions } from '../core/engines/torch/engine';
import { RENDEZVOUS_WAIT_S } from '../core/engines/torch/rendezvous';
import { CliError, Input, type Command, type Flags } from './command';
import { nearest } from './nearest';

/** what --backend offers: webgpu-browser trains in a person's browser tab, which a terminal has none of */
const cliBackends = backendPrefs.filter((b) => b !== 'webgpu-browser');

/** Flags every command takes. */
export const globalFlags: Flags = {
  'data-dir': { value: 'D', help: 'the data folder' },
  backend: { value: cliBackends.join('|'), help: 'what trains (an engine: webgpu-chromium, torch) or computes (a TensorFlow.js backend)' },
  device: { value: 'auto|cuda|mps|cpu', help: 'where the torch engine trains (auto: CUDA, then MPS, then the CPU)' },
  processes: { value: 'N', help: 'torch engine: training processes on this machine (torchrun; gloo on CPU, NCCL on CUDA)' },
  nodes: { value: 'N', help: 'torch engine: machines in the run, each started the same way (needs --rendezvous)' },
  rendezvous: { value: 'host:port', help: "torch engine: the rendezvous every machine's torchrun meets at" },
  'rendezvous-wait': {
    value: 'S',
    help: `torch engine: seconds to wait for every machine at the rendezvous (default ${RENDEZVOUS_WAIT_S})`,
  },
  help: { boolean: true, help: 'print the usage' },
};

/** --device, --processes, --nodes, --rendezvous and its wait: the torch engine's, refused with any other. */
function torchFlags(values: Record<string, unknown>, backend: string): TorchOptions | undefined {
  const given = ['device', 'processes', 'nodes', 'rendezvous', 'rendezvous-wait'].filter((f) => values[f] !== undefined);
  if (given.length === 0) return undefined;
  if (backend !== 'torch') throw new CliError(`--${given[0]} sets up the torch engine; add --backend torch`);
  const out: TorchOptions = {};
  const device = values.device as string | undefined;
  if (device !== undefined) {
    if (!(torchDevices as readonly string[]).includes(device))
      throw new CliError(`--device: "${device}" is not one of ${torchDevices.join(', ')}`);
    out.device = device as TorchDevice;
  }
  const count = (flag: string, max = 256): number | undefined => {
    const v = values[flag] as string | undefined;
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`--${flag}: must be an integer 1..${max}, got "${v}"`);
    return n;
  };
  const processes = count('processes');
  if (processes !== undefined) out.processes = processes;
  const nodes = count('nodes');
  const rendezvous = values.rendezvous as string | undefined;
  if ((nodes !== undefined) !== (rendezvous !== undefined))
    throw new CliError('--nodes and --rendezvous go together (every machine meets at the rendezvous)');
  const wait = count('rendezvous-wait', 86_400);
  if (wait !== undefined && nodes === undefined) throw new CliError('--rendezvous-wait goes with --nodes and --rendezvous');
  if (nodes !== undefined && rendezvous !== undefined) {
    if (!/^[^\s:]+:\d+$/.test(rendezvous)) throw new CliError(`--rendezvous: "${rendezvous}" is not host:port`);
    out.nodes = { count: nodes, rendezvous, ...(wait !== undefined ? { waitSeconds: wait } : {}) };
  }
  return out;
}

type Options = NonNullable<ParseArgsConfig['options']>;

function optionsOf(flags: Flags): Options {
  const o: Options = {};
  for (const [name, f] of Object.entries(flags)) o[name] = { type: f.boolean ? 'boolean' : 'string' };
  o.help = { type: 'boolean', short: 'h' };
  return o;
}

/**
 * parseArgs refuses `--range -3,3` as ambiguous; a value may be negative, so a flag that takes
 * a value takes the next argument unless it starts with "--" (as `--range=-3,3` would).
 */
function joinValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (
      a.startsWith('--') &&
      !a.includes('=') &&
      options[a.slice(2)]?.type === 'string' &&
      next?.startsWith('-') &&
      !next.startsWith('--')
    ) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function read(
  argv: string[],
  flags: Flags,
  strict: boolean,
): { positional: string[]; values: Record<string, string | boolean | undefined> } {
  const options = optionsOf(flags);
  try {
    const r = parseArgs({ args: joinValues(argv, options), options, strict, allowPositionals: true });
    return { positional: r.positionals, values: { ...r.values } as Record<string, string | boolean | undefined> };
  } catch (err) {
    // parseArgs' messages are clear ("Option '--out <value>' argument missing"); keep them, minus the stack
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Every flag of every command, so that argv can be read before the command is known (a name
 * must then mean a switch in every command or a value in every command).
 */
function allFlags(commands: readonly Command[]): Flags {
  return Object.assign({}, globalFlags, ...commands.map((c) => c.flags)) as Flags;
}

/** argv read without a command's rules: the command name, the operands and the flags as given. */
export function parseArgv(argv: string[], commands: readonly Command[]): { positional: string[]; flags: Record<string, string | true> } {
  const { positional, values } = read(argv, allFlags(commands), false);
  const flags: Record<string, string | true> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== false) flags[k] = v;
  return { positional, flags };
}

/** The flags argv names that `command` does not take, each with its nearest known flag. */
function unknownFlags(argv: string[], command: Command): string[] {
  const known = { ...globalFlags, ...command.flags };
  const { values } = read(argv, known, false);
  return Object.keys(values)
    .filter((name) => !(name in known))
    .map((name) => {
      const near = nearest(name, Object.keys(known));
      return `--${name}${near ? ` (did you mean --${near}?)` : ''}`;
    });
}

/** What the global flags said. */
export interface GlobalArgs {
  dataDir?: string;
  backend: (typeof backendPrefs)[number];
  /** --backend torch: its device, processes and machines */
  torch?: TorchOptions;
  help: boolean;
}

/** argv (with the command name first) read strictly against the command's table entry. */
export function parseCommand(argv: string[], command: Command): { input: Input; global: GlobalArgs } {
  const unknown = unknownFlags(argv, command);
  if (unknown.length > 0)
    throw new CliError(
      `unknown flag${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; \`latent-lab ${command.name} --help\` lists its flags`,
    );
  const { positional, values } = read(argv, { ...globalFlags, ...command.flags }, true);
  const help = values.help === true;
  const backend = (values.backend as string | undefined) ?? 'auto';
  if (!(backendPrefs as readonly string[]).includes(backend))
    throw new CliError(`--backend: "${backend}" is not one of ${cliBackends.join(', ')}`);
  if (backend === 'webgpu-browser')
    throw new CliError(
      "--backend webgpu-browser trains in a person's browser tab (the app in browser mode, Train: This browser's GPU); from a terminal, webgpu-chromium trains on Chromium's WebGPU",
    );
  const torch = torchFlags(values, backend);
  const operands = positional.slice(1);
  // asking for help is not a mistake, whatever else the line lacks
  if (!help) {
    const max = command.operands?.length ?? 0;
    if (operands.length > max)
      throw new CliError(`unexpected argument "${operands[max]}"${max ? '' : ` (${command.name} takes flags only)`}`);
    for (const [name, f] of Object.entries(command.flags))
      if (f.required && values[name] === undefined) throw new CliError(`--${name} is required${f.help ? ` (${f.help})` : ''}`);
  }
  return {
    input: new Input(command, operands, values),
    global: {
      dataDir: values['data-dir'] as string | undefined,
      backend: backend as GlobalArgs['backend'],
      ...(torch ? { torch } : {}),
      help,
    },
  };
}
