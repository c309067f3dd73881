// Crash points for the tests that prove an order survives a crash: with LATENT_LAB_KILL_AT set
// to `<point>@<epoch>`, the process kills itself with a real SIGKILL when it gets there (from
// a worker thread too: the signal takes the whole process). Unset, this is one string compare.
export type KillPoint = 'checkpoint:written' | 'checkpoint:renamed' | 'checkpoint:latest' | 'epoch:committed';

export function killPoint(point: KillPoint, epoch: number): void {
  if (process.env.LATENT_LAB_KILL_AT === `${point}@${epoch}`) process.kill(process.pid, 'SIGKILL');
}
