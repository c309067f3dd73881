// Runs the shipped PyTorch training program (train.py beside this file): one process, or
// torchrun with N processes (gloo on CPU, NCCL on CUDA). It reports on stdout, one JSON object
// a line; engine.ts turns them into the engine interface's events.
//
// The program and its torchrun workers live in a process group of their own, so a cancel
// (SIGTERM, then SIGKILL after a second) takes all of them. If the host dies, even by -9,
// their stdin closes and the program kills its own group (train.py's stdin watch).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EpochResult, StepProgress } from '../../types.js';
import { notStarted, rendezvousArgs, rendezvousFailure, startWithinMs, type TorchNodes } from './rendezvous.js';

export type { TorchNodes } from './rendezvous.js';

/** What train.py prints, one JSON object a line (each machine's first process, or any for its own error). */
export type ProgramLine =
  | { type: 'started'; backend: 'torch'; backendDetail: string; startEpoch: number; stepsPerEpoch: number }
  | { type: 'step'; progress: StepProgress }
  | { type: 'epoch'; result: EpochResult; checkpointDir: string }
  | { type: 'warning'; message: string }
  | { type: 'done'; epochsDone: number }
  | { type: 'cancelled'; epochsDone: number }
  | { type: 'error'; message: string };

/** Between SIGTERM and SIGKILL: the program stops at the next step, torchrun's workers with it. */
const KILL_AFTER_MS = 1000;
/** stderr kept for a crash's message (a rendezvous failure's cause sits a traceback above its end) */
const STDERR_KEEP = 8000;

/**
 * The folder of the shipped training program (train.py, model.py, ...): beside this file in
 * the sources, out/main/torch/ in a build (this code may sit in out/main/ or a chunk below it),
 * and in a packaged app the unpacked copy, since python cannot read inside the asar.
 */
export function torchProgramDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const found = [here, join(here, 'torch'), join(here, '..', 'torch')].find((d) => existsSync(join(d, 'train.py'))) ?? here;
  return found.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
}

/** The command line: python train.py SPEC, or python -m torch.distributed.run ... train.py SPEC. */
export function torchCommand(python: string, spec: { processes?: number; nodes?: TorchNodes }, specFile: string): string[] {
  const train = join(torchProgramDir(), 'train.py');
  const n = spec.processes ?? 1;
  if (n <= 1 && !spec.nodes) return [python, train, specFile];
  // torchrun from the same python (a torchrun on the PATH may not be), through torchrun.py's repair
  const args = [python, join(torchProgramDir(), 'torchrun.py'), `--nproc_per_node=${n}`];
  if (spec.nodes) {
    args.push(...rendezvousArgs(spec.nodes));
  } else {
    args.push('--standalone');
  }
  return [...args, train, specFile];
}

/**
 * Runs the program (cmd from torchCommand) to its end: 'done', 'cancelled' (the signal, which
 * takes the whole process group), or a rejection that says why (the program's own error line,
 * else what its stderr says: a failed rendezvous, torchrun's failed rank, a traceback's last
 * line). Every other line goes to onLine as it comes. With `nodes`, a run that has not started
 * within the rendezvous's wait and then some is ended (startWithinMs).
 */
export function runProgram(
  cmd: string[],
  onLine: (m: Exclude<ProgramLine, { type: 'done' | 'cancelled' | 'error' }>) => void,
  signal?: AbortSignal,
  opts: { nodes?: TorchNodes } = {},
): Promise<'done' | 'cancelled'> {
  const { nodes } = opts;
  return new Promise<'done' | 'cancelled'>((resolve, reject) => {
    if (signal?.aborted) return resolve('cancelled');
    const child = spawn(cmd[0]!, cmd.slice(1), {
      // its own process group: one kill reaches torchrun and every worker
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      // OpenBLAS's own threads under torch's fight them for the cores (the reference MLP at 6,316
      // images/s instead of 18,892 on 2 cores), so one unless the person chose otherwise.
      // OpenMP threads that spin while they wait starve on a busy machine (the app's own UI,
      // other work): the MLP at 389-1,608 images/s spinning, 7,639 passive, on 2 loaded cores.
      env: { OPENBLAS_NUM_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE', ...process.env, PYTHONUNBUFFERED: '1', LATENT_LAB_WATCH_STDIN: '1' },
      windowsHide: true,
    });
    let ending: ProgramLine | null = null;
    let errorLine: string | null = null;
    let stderr = '';
    let partial = '';
    let killTimer: NodeJS.Timeout | null = null;
    let settled = false;
    let startTimer: NodeJS.Timeout | null = null;
    let gaveUp = false;

    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(process.platform === 'win32' ? child.pid : -child.pid, sig);
      } catch {
        // already gone
      }
    };
    const stopGroup = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_AFTER_MS);
    };
    const onAbort = stopGroup;
    if (nodes) {
      startTimer = setTimeout(() => {
        gaveUp = true;
        stopGroup();
      }, startWithinMs(nodes));
    }
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      f();
    };

    const readLine = (line: string) => {
      if (!line.startsWith('{')) return;
      let m: ProgramLine;
      try {
        m = JSON.parse(line) as ProgramLine;
      } catch {
        return;
      }
      if (m.type === 'started' && startTimer) clearTimeout(startTimer);
      if (m.type === 'done' || m.type === 'cancelled') ending = m;
      else if (m.type === 'error') errorLine ??= m.message;
      else if (!settled) onLine(m);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      lines.forEach(readLine);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });
    // the program watches its stdin; nothing is ever written to it
    child.stdin.on('error', () => {});

    child.on('error', (err) => finish(() => reject(new Error(`cannot start ${cmd[0]}: ${err.message}`))));
    child.on('close', (code, sig) => {
      if (killTimer) clearTimeout(killTimer);
      if (startTimer) clearTimeout(startTimer);
      if (partial) readLine(partial);
      // the group may outlive its leader (a torchrun worker that ignored the TERM)
      if (signal?.aborted || gaveUp) killGroup('SIGKILL');
      finish(() => {
        const end = ending as ProgramLine | null;
        if (end?.type === 'done') resolve('done');
        else if (signal?.aborted || end?.type === 'cancelled') resolve('cancelled');
        else if (errorLine) reject(new Error(errorLine));
        else if (gaveUp && nodes) reject(new Error(notStarted(nodes)));
        else if (nodes && rendezvousFailure(stderr, nodes)) reject(new Error(rendezvousFailure(stderr, nodes)!));
        else
          reject(
            new Error(
              `the torch training process ${sig ? `was killed by ${sig}` : `exited with code ${code}`} before it finished${lastWords(stderr)}`,
            ),
          );
      });
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * What a crash's stderr says went wrong: torchrun's report of the failed worker (its rank and
 * exit, e.g. "Signal 9 (SIGKILL) received by PID 123"), else a Python traceback's last line,
 * else the last line. When one worker dies, gloo aborts the others (SIGABRT), and torchrun may
 * name such an abort as the root cause: the failure that is not an abort is the one to tell.
 */
export function lastWords(stderr: string): string {
  const failures = [...stderr.matchAll(/rank\s*:\s*(\d+)[^\n]*\n[\s\S]*?exitcode\s*:\s*(-?\d+)[\s\S]*?traceback\s*:\s*([^\n]*)/g)].map(
    ([, rank, code, traceback]) => ({
      rank,
      why: traceback && !traceback.includes('To enable traceback') ? traceback.trim() : `exit code ${code}`,
    }),
  );
  const rootAt = stderr.indexOf('Root Cause');
  const root = rootAt >= 0 ? [...stderr.slice(rootAt).matchAll(/rank\s*:\s*(\d+)/g)][0]?.[1] : undefined;
  const told = failures.find((f) => !/SIGABRT/.test(f.why)) ?? failures.find((f) => f.rank === root) ?? failures[0];
  if (told) return `: training process rank ${told.rank} failed (${told.why})`;
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('WARNING:') && !l.startsWith('*****'));
  const error = [...lines].reverse().find((l) => /^[A-Za-z_.]*(Error|Exception|Failure)\b/.test(l));
  const pick = error ?? lines[lines.length - 1];
  return pick ? `: ${pick.slice(0, 500)}` : '';
}
