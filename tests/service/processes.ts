// Helpers for tests that need a second, real process on a data folder: a small IDX dataset
// written by the test, and the service child (fixtures/service-child.ts) started, read line
// by line and killed with a real SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import type { Result } from '../../src/shared/contract';

/** The value of a Result, or a thrown error saying the code and message. */
export function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

const CHILD = join(import.meta.dirname, 'fixtures', 'service-child.ts');

/** An IDX file (big-endian header, unsigned bytes) of the given dimensions and data. */
export function idxU8(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, data]);
}

/** Writes n random 8x8 images and their labels (0..3) into dir; returns both paths. */
export function writeSmallIdx(dir: string, n = 200): { images: string; labels: string } {
  const px = new Uint8Array(n * 64);
  let s = 7;
  for (let i = 0; i < px.length; i++) px[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  const images = join(dir, 'small-images.idx');
  const labels = join(dir, 'small-labels.idx');
  writeFileSync(images, idxU8([n, 8, 8], px));
  writeFileSync(
    labels,
    idxU8(
      [n],
      Uint8Array.from({ length: n }, (_, i) => i % 4),
    ),
  );
  return { images, labels };
}

export interface Child {
  proc: ChildProcess;
  /** resolves with the first JSON line the test accepts */
  next<T = Record<string, unknown>>(accept: (line: Record<string, unknown>) => boolean): Promise<T>;
  /** a real kill -9; resolves when the process is gone */
  kill9(): Promise<void>;
  /** resolves with the exit code (null when killed) */
  exited: Promise<number | null>;
  stderr(): string;
}

/** Starts the service child: one contract call on dataDir, then its job's events. */
export function startChild(dataDir: string, method: string, args: unknown, env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, method, JSON.stringify(args)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiting: { accept: (l: Record<string, unknown>) => boolean; resolve: (l: unknown) => void }[] = [];
  let err = '';
  proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  createInterface({ input: proc.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    lines.push(line);
    for (const w of [...waiting]) {
      if (w.accept(line)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  return {
    proc,
    exited,
    stderr: () => err,
    next<T>(accept: (line: Record<string, unknown>) => boolean): Promise<T> {
      const seen = lines.find(accept);
      if (seen) return Promise.resolve(seen as T);
      return new Promise<T>((resolve, reject) => {
        waiting.push({ accept, resolve: resolve as (l: unknown) => void });
        void exited.then(() => setTimeout(() => reject(new Error(`the child ended first; stderr: ${err.slice(-2000)}`)), 50));
      });
    },
    async kill9() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}
