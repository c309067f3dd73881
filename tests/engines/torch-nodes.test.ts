// More than one machine, on this one: two `train` commands, each with a data folder of its own
// (a machine each), meet at a c10d rendezvous on 127.0.0.1 and train one run, which ends as one
// process trains it. A rendezvous that fails (the second machine never comes, an endpoint
// nobody answers at) ends the run failed within the wait given, saying why and what to do, and
// leaves no checkpoint behind. Skipped, saying why, where no python3 imports torch 1.13 or newer.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeTorch } from '../../src/main/core/engines/torch/find-python.js';
import { cliIn, type CliRun } from '../cli/harness.js';
import { writeSmallIdx } from '../service/processes.js';

const probe = await probeTorch();
if (!probe.found) console.warn(`torch machines tests skipped: ${probe.reason}`);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A machine: a data folder of its own with the same small dataset imported, and the CLI on it. */
async function machine(): Promise<{ dir: string; cli: (...args: string[]) => Promise<CliRun> }> {
  const dir = mkdtempSync(join(tmpdir(), 'll-torch-nodes-'));
  dirs.push(dir);
  const cli = cliIn(() => dir);
  const idx = writeSmallIdx(dir);
  const imported = await cli('import', idx.images, '--labels', idx.labels, '--name', 'small');
  expect(imported.code, imported.err).toBe(0);
  return { dir, cli };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

const run = ['train', '--dataset', 'small', '--model', 'vae', '--latent', '2', '--hidden', '8', '--batch', '50', '--epochs', '2'];
const torch = ['--backend', 'torch', '--device', 'cpu'];

function heldOut(out: string, epoch: number): number {
  const m = new RegExp(`epoch ${epoch}: .*held-out loss: ([\\d.]+) nats`).exec(out);
  if (!m) throw new Error(`no held-out loss of epoch ${epoch} in:\n${out}`);
  return Number(m[1]);
}

/** The run's checkpoints and anything half-written beside them. */
function leftInRun(dir: string): string[] {
  const ck = join(dir, 'runs', '1', 'checkpoints');
  return existsSync(ck) ? readdirSync(ck) : [];
}

describe.skipIf(!probe.found)('torch on several machines (two on this one)', () => {
  it('two machines at a rendezvous on 127.0.0.1 train as one process does', { timeout: 180_000 }, async () => {
    const [a, b, alone] = await Promise.all([machine(), machine(), machine()]);
    const nodes = ['--nodes', '2', '--rendezvous', `127.0.0.1:${await freePort()}`, '--rendezvous-wait', '60'];
    const [ra, rb] = await Promise.all([a.cli(...run, ...torch, ...nodes), b.cli(...run, ...torch, ...nodes)]);
    expect(ra.code, ra.err).toBe(0);
    expect(rb.code, rb.err).toBe(0);
    // every machine's run is whole: its record names the machines, its checkpoints are there
    for (const r of [ra, rb]) expect(r.out).toMatch(/training on torch \d+\.\d+ · cpu · 2 processes on 2 machines/);
    expect(heldOut(rb.out, 2)).toBe(heldOut(ra.out, 2));
    expect(leftInRun(b.dir)).toEqual(expect.arrayContaining(['epoch-0002']));

    const one = await alone.cli(...run, ...torch);
    expect(one.code, one.err).toBe(0);
    expect(Math.abs(heldOut(ra.out, 2) - heldOut(one.out, 2))).toBeLessThan(1);
  });

  it(
    'a second machine that never comes, or an endpoint nobody answers at, ends the run failed within the wait, saying why',
    { timeout: 120_000 },
    async () => {
      const [lonely, astray] = await Promise.all([machine(), machine()]);
      const t0 = Date.now();
      const [never, unreachable] = await Promise.all([
        lonely.cli(...run, ...torch, '--nodes', '2', '--rendezvous', `127.0.0.1:${await freePort()}`, '--rendezvous-wait', '5'),
        // TEST-NET-1 (RFC 5737): routed nowhere, so the connection waits and times out
        astray.cli(...run, ...torch, '--nodes', '2', '--rendezvous', '192.0.2.1:29500', '--rendezvous-wait', '5'),
      ]);
      // the wait, torch's start and the CLI's, on two busy cores
      expect(Date.now() - t0).toBeLessThan(60_000);
      expect(never.code).toBe(1);
      expect(never.err).toMatch(
        /not every machine came to the rendezvous at 127\.0\.0\.1:\d+ within 5 s \(2 expected\): start the same training on each/,
      );
      expect(unreachable.code).toBe(1);
      expect(unreachable.err).toMatch(
        /cannot reach the rendezvous at 192\.0\.2\.1:29500 \(.*timed out.*\): the first machine to start hosts it/,
      );
      for (const m of [lonely, astray]) {
        const runs = await m.cli('runs');
        expect(runs.out).toMatch(/\bfailed\b/);
        expect(leftInRun(m.dir)).toEqual([]);
      }
    },
  );
});
