// The one generic loop every door uses: validate the arguments against the contract's schema,
// call the service, and turn whatever happens into a Result (Electron keeps only the message
// of a thrown error, so nothing is thrown across a door).
import {
  AppFailure,
  fail,
  isMethod,
  isShellMethod,
  ok,
  parseArgs,
  type ArgsIn,
  type Handlers,
  type Result,
  type Results,
  type ServiceMethod,
} from '../shared/contract';
import { quoteInput } from '../shared/result';
import { addStage } from './core/timing';

export type { Handlers } from '../shared/contract';

export async function dispatch(handlers: Handlers, method: unknown, args: unknown): Promise<Result<unknown>> {
  if (!isMethod(method)) return fail('unsupported', `unknown method ${quoteInput(method)}`);
  if (isShellMethod(method)) return fail('unsupported', `${method} is only available in the desktop app`);
  const t = performance.now();
  const parsed = parseArgs(method, args);
  addStage('parse', performance.now() - t);
  if (!parsed.ok) return parsed;
  try {
    const handler = handlers[method as ServiceMethod] as (a: unknown) => Promise<unknown>;
    return ok(await handler.call(handlers, parsed.value));
  } catch (err) {
    return toFailure(err);
  }
}

export function toFailure(err: unknown): Result<never> {
  if (err instanceof AppFailure) return fail(err.code, err.message);
  if (err instanceof Error && err.name === 'AbortError') return fail('cancelled', 'cancelled');
  const message = err instanceof Error ? err.message : String(err);
  return fail('internal', message);
}

/** dispatch with the contract's types, for callers inside the main process (CLI, tests). */
export function invoke<M extends ServiceMethod>(handlers: Handlers, method: M, args: ArgsIn<M>): Promise<Result<Results[M]>> {
  return dispatch(handlers, method, args) as Promise<Result<Results[M]>>;
}
