// Starts fixtures/server-child.ts: a real server process on a data folder, for tests and
// benchmarks that measure it from outside (its clock, its memory).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const CHILD = join(import.meta.dirname, 'fixtures', 'server-child.ts');

export interface ServerChild {
  port: number;
  token: string;
  pid: number;
  /** ws://…/api?token=… */
  url: string;
  /** the process's resident memory now, in MiB (Linux /proc) */
  rssMiB(): number;
  /** ends it (closes the server and the service); resolves with its exit code */
  stop(): Promise<number | null>;
}

export async function startServerChild(dataDir: string, options: Record<string, number> = {}): Promise<ServerChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', r));
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout });
    lines.once('line', resolve);
    void exited.then((code) => reject(new Error(`server child exited (${code}): ${stderr.trim()}`)));
  });
  const { port, token, pid } = JSON.parse(first) as { port: number; token: string; pid: number };
  return {
    port,
    token,
    pid,
    url: `ws://127.0.0.1:${port}/api?token=${token}`,
    rssMiB() {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return Number(kb) / 1024;
    },
    stop() {
      proc.stdin.end();
      return exited;
    },
  };
}
