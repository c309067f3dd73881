// App-wide commands from the keyboard (and later the Electron menu) to whichever view is open.
export type Command = 'export' | 'toggle-train';

const target = new EventTarget();

export function emit(cmd: Command): void {
  target.dispatchEvent(new Event(cmd));
}

/** Listen for a command; returns the unsubscribe (use it as an $effect's cleanup). */
export function onCommand(cmd: Command, fn: () => void): () => void {
  target.addEventListener(cmd, fn);
  return () => target.removeEventListener(cmd, fn);
}
