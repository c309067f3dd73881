// The Electron door's one generic loop: every contract method becomes an ipcMain handler
// that checks who is calling, validates the arguments and returns a Result. Plain Node, no
// electron import, so the tests drive it with the real service and a stand-in `handle`.
import {
  fail,
  isMethod,
  isShellMethod,
  methodNames,
  ok,
  parseArgs,
  type ArgsOut,
  type Method,
  type Result,
  type Results,
} from '../../shared/contract';
import { dispatch, toFailure, type Handlers } from '../dispatch';

export type ShellMethod = Extract<Method, `dialog:${string}`>;

/** The door's own methods (native dialogs); `event` is the IPC event that asked. */
export type ShellHandlers<Ev> = {
  [M in ShellMethod]: (args: ArgsOut<M>, event: Ev) => Promise<Results[M]>;
};

/** What `ipcMain.handle` looks like to us (so tests need no Electron). */
export type HandleFn<Ev> = (channel: string, listener: (event: Ev, args: unknown) => Promise<unknown>) => void;

export interface BindOptions<Ev> {
  handle: HandleFn<Ev>;
  /** undo `handle` for a channel (ipcMain.removeHandler); used by the returned unbind */
  removeHandler?: (channel: string) => void;
  /** true only for calls from our own window showing our own renderer */
  isTrusted: (event: Ev) => boolean;
  /** the service, or the promise of it while it opens (calls wait for it) */
  service: Handlers | Promise<Handlers>;
  shell: ShellHandlers<Ev>;
}

/** One call through the door; exported so tests can also send names no handler exists for. */
export async function callThroughDoor<Ev>(
  opts: Pick<BindOptions<Ev>, 'isTrusted' | 'service' | 'shell'>,
  method: unknown,
  event: Ev,
  args: unknown,
): Promise<Result<unknown>> {
  // An iframe or a page we navigated to by mistake must never reach the service.
  if (!opts.isTrusted(event)) return fail('forbidden', `${String(method)}: refused, the caller is not the Latent Lab window`);
  if (!isMethod(method)) return fail('unsupported', `unknown method "${String(method)}"`);
  if (isShellMethod(method)) {
    const parsed = parseArgs(method, args);
    if (!parsed.ok) return parsed;
    try {
      const handler = opts.shell[method as ShellMethod] as (a: unknown, e: Ev) => Promise<unknown>;
      return ok(await handler(parsed.value, event));
    } catch (err) {
      return toFailure(err);
    }
  }
  let service: Handlers;
  try {
    service = await opts.service;
  } catch (err) {
    const why = toFailure(err);
    if (why.ok) return fail('internal', 'the service did not start');
    return fail(why.error.code, `the service did not start: ${why.error.message}`);
  }
  return dispatch(service, method, args);
}

/** Registers one handler per contract method; returns a function that removes them all. */
export function bindContract<Ev>(opts: BindOptions<Ev>): () => void {
  for (const method of methodNames) {
    opts.handle(method, (event, args) => callThroughDoor(opts, method, event, args));
  }
  return () => {
    for (const method of methodNames) opts.removeHandler?.(method);
  };
}
