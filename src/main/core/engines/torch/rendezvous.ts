// More than one machine: every machine starts the same training with the same rendezvous
// endpoint, and torchrun's c10d rendezvous (the first machine to come hosts it) joins them.
// torchrun waits 600 s for the others and 60 s for a connection by default, and says why it
// gave up only as an exception's class name: here the wait is the person's, and the failure
// is told in words that say what to do.

/** The machines of one run. */
export interface TorchNodes {
  count: number;
  /** host:port of the c10d rendezvous */
  rendezvous: string;
  /** how long to wait for every machine to come (default RENDEZVOUS_WAIT_S) */
  waitSeconds?: number;
}

/** long enough to start the same command on another machine by hand */
export const RENDEZVOUS_WAIT_S = 300;
/** torchrun's own limit on one connection to the rendezvous store */
const CONNECT_S = 60;
/** after the rendezvous, the workers still meet (init_process_group, DDP's first broadcast) */
const START_AFTER_RENDEZVOUS_S = 120;

export function waitSeconds(nodes: TorchNodes): number {
  return nodes.waitSeconds ?? RENDEZVOUS_WAIT_S;
}

/** torchrun's flags for the machines: the c10d rendezvous at the endpoint, with our waits. */
export function rendezvousArgs(nodes: TorchNodes): string[] {
  const wait = waitSeconds(nodes);
  return [
    `--nnodes=${nodes.count}`,
    '--rdzv_backend=c10d',
    `--rdzv_endpoint=${nodes.rendezvous}`,
    '--rdzv_id=latent-lab',
    `--rdzv_conf=join_timeout=${wait},read_timeout=${Math.min(wait, CONNECT_S)}`,
  ];
}

/**
 * How long a run of several machines may take to say it started before the host gives up:
 * torchrun's own waits, then the workers' meeting, which has no limit of its own short of
 * half an hour (a first machine whose name the others cannot reach).
 */
export function startWithinMs(nodes: TorchNodes): number {
  return (waitSeconds(nodes) + START_AFTER_RENDEZVOUS_S) * 1000;
}

/** What a failed rendezvous in torchrun's stderr means, or null when it is not one. */
export function rendezvousFailure(stderr: string, nodes: TorchNodes): string | null {
  const at = `the rendezvous at ${nodes.rendezvous}`;
  if (/RendezvousTimeoutError/.test(stderr)) {
    return (
      `not every machine came to ${at} within ${waitSeconds(nodes)} s (${nodes.count} expected): ` +
      `start the same training on each of them with --nodes ${nodes.count} --rendezvous ${nodes.rendezvous}`
    );
  }
  if (/RendezvousConnectionError|RendezvousError/.test(stderr)) {
    const inner = /(?:TimeoutError|RuntimeError): ([^\n]+)/.exec(stderr)?.[1]?.trim();
    const host = nodes.rendezvous.replace(/:\d+$/, '');
    return (
      `cannot reach ${at}${inner ? ` (${inner.replace(/\.$/, '')})` : ''}: ` +
      `the first machine to start hosts it, so ${host} must name one of the machines, reachable from this one, with the port open`
    );
  }
  return null;
}

/** The host's own limit passed: said in the same words as torchrun's. */
export function notStarted(nodes: TorchNodes): string {
  return (
    `the training had not started ${Math.round(startWithinMs(nodes) / 1000)} s after it was launched with ${nodes.count} machines ` +
    `at the rendezvous at ${nodes.rendezvous}: the machines met, but their training processes could not reach each other ` +
    `(each machine's name must resolve on the others, and no firewall between them)`
  );
}
