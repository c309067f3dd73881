// Short messages in the corner: errors say what went wrong and what to do; successes fade.
import { ApiError } from '../lib/api';

export interface Toast {
  id: number;
  kind: 'error' | 'info' | 'success';
  message: string;
  detail?: string;
}

class Toasts {
  #items = $state<Toast[]>([]);
  #next = 1;

  get items(): Toast[] {
    return this.#items;
  }

  show(kind: Toast['kind'], message: string, detail?: string, ms = kind === 'error' ? 9000 : 4000): number {
    const id = this.#next++;
    this.#items.push({ id, kind, message, detail });
    if (this.#items.length > 5) this.#items.shift();
    if (ms > 0) setTimeout(() => this.dismiss(id), ms);
    return id;
  }

  dismiss(id: number): void {
    const i = this.#items.findIndex((t) => t.id === id);
    if (i >= 0) this.#items.splice(i, 1);
  }
}

export const toasts = new Toasts();

/** Advice per error code, so a toast says what to do and not only what happened. */
const ADVICE: Record<string, string> = {
  'bad-args': 'Check the values in the form.',
  'not-found': 'It may have been deleted; the lists are refreshed.',
  busy: 'Wait for the running job to finish, or cancel it.',
  conflict: 'Choose another name, or remove what depends on it first.',
  'bad-input': 'Check the path and the files in it.',
  unsupported: 'This needs the desktop app.',
  forbidden: 'Reload the page with the address the server printed.',
  internal: 'If it happens again, check the terminal or log for details.',
};

let muted: () => boolean = () => false;

/** While `fn` says so (the server is away, and the connection banner says it once), a failed
 *  call makes no toast: a sweep's every failed frame would stack them. */
export function muteErrorsWhile(fn: () => boolean): void {
  muted = fn;
}

/** The one place errors end up: logged, cancels ignored, everything else a toast. */
export function handleError(err: unknown, context?: string): void {
  if (err instanceof DOMException && err.name === 'AbortError') return;
  const code = err instanceof ApiError ? err.code : 'internal';
  if (code === 'cancelled') return;
  if (muted()) {
    console.info(context ?? 'error', 'while the server is away:', err);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  console.error(context ?? 'error', err);
  toasts.show('error', context ? `${context}: ${message}` : message, ADVICE[code]);
}
