// Starts fixtures/load-clients.ts in a child process (its clock runs while the server's thread
// is blocked) and collects its report when told to stop.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LoadPlan, LoadReport } from './fixtures/load-clients';

export type { LoadClient, LoadPlan, LoadReport } from './fixtures/load-clients';

const CHILD = join(import.meta.dirname, 'fixtures', 'load-clients.ts');

export interface LoadClients {
  /** resolves once every socket is open and calling */
  ready: Promise<void>;
  /** ends the calls; resolves with every latency and failure */
  stop(): Promise<LoadReport>;
}

export function startLoadClients(plan: LoadPlan): LoadClients {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(plan)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: proc.stdout });
  const exited = new Promise<number | null>((r) => proc.once('exit', r));
  const next = (accept: (line: string) => boolean): Promise<string> =>
    new Promise((resolve, reject) => {
      const onLine = (line: string): void => {
        if (!accept(line)) return;
        lines.off('line', onLine);
        resolve(line);
      };
      lines.on('line', onLine);
      void exited.then((code) => reject(new Error(`load clients exited (${code}): ${stderr.trim()}`)));
    });
  const ready = next((l) => l === 'ready').then(() => undefined);
  const report = next((l) => l.startsWith('{'));
  return {
    ready,
    async stop() {
      proc.stdin.end();
      return JSON.parse(await report) as LoadReport;
    },
  };
}

/** The p-th quantile (0..1) of xs, by the nearest rank below. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
