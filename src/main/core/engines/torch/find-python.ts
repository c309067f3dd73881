// Finds the Python that trains with PyTorch: LATENT_LAB_PYTHON when set (only it), else the
// first `python3` on the PATH that imports torch. PATH often holds several (a pyenv shim
// before the system's), and the first one need not have torch: each is asked in turn.
import { execFile } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TorchInfo } from '../../../../shared/records';

/** The oldest PyTorch the training program is written against. */
export const MIN_TORCH: readonly [number, number] = [1, 13];

export interface TorchPython {
  /** the interpreter, as found (not resolved: a venv's python must keep its own path) */
  python: string;
  /** torch.__version__ as it reports itself, e.g. "1.13.1" or "2.4.0+cu121" */
  version: string;
  /** devices it can train on, best first: cuda (with the GPU's name), mps, cpu */
  devices: string[];
  cudaDevices: number;
}

export type TorchProbe = ({ found: true } & TorchPython) | { found: false; reason: string };

const INSTALL_HINT =
  'install PyTorch for Python 3 (pip install torch, or on Debian/Ubuntu apt install python3-torch), or set LATENT_LAB_PYTHON to a python that has it';

// prints what the host needs in one line; an ImportError's message says what is missing
const PROBE = [
  'import json, sys',
  'try:',
  '  import torch',
  'except Exception as e:',
  '  print(json.dumps({"error": type(e).__name__ + ": " + str(e)})); sys.exit(0)',
  'mps = getattr(torch.backends, "mps", None)',
  'n = torch.cuda.device_count() if torch.cuda.is_available() else 0',
  'print(json.dumps({"version": torch.__version__, "cuda": [torch.cuda.get_device_name(i) for i in range(n)],',
  '  "mps": bool(mps and mps.is_available()), "distributed": torch.distributed.is_available()}))',
].join('\n');

interface ProbeReply {
  error?: string;
  version?: string;
  cuda?: string[];
  mps?: boolean;
  distributed?: boolean;
}

/** Every `python3` on the PATH, in PATH order, each real file once. */
export function pythonsOnPath(path = process.env.PATH ?? ''): string[] {
  const names = process.platform === 'win32' ? ['python3.exe', 'python.exe'] : ['python3'];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        const real = realpathSync(file);
        // a pyenv shim is a script that picks a python at run time: keep each shim, not its target
        const key = real.includes('shims') ? file : real;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(file);
      } catch {
        // not there or not executable
      }
    }
  }
  return out;
}

function ask(python: string, timeoutMs: number): Promise<ProbeReply> {
  return new Promise((resolve) => {
    execFile(python, ['-c', PROBE], { timeout: timeoutMs, windowsHide: true }, (err, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ProbeReply);
      } catch {
        const why = err ? (err.killed ? `did not answer within ${timeoutMs / 1000} s` : err.message.split('\n')[0]) : 'gave no answer';
        resolve({ error: `${why}${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}` });
      }
    });
  });
}

/** "1.13.0a0" -> [1, 13] */
export function torchVersionParts(version: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

function tooOld(version: string): boolean {
  const [a, b] = torchVersionParts(version);
  return a < MIN_TORCH[0] || (a === MIN_TORCH[0] && b < MIN_TORCH[1]);
}

/**
 * Looks for PyTorch. Never throws: `found: false` carries a reason a person can act on
 * (no python, no torch in the ones found, a torch too old).
 */
export async function probeTorch(env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<TorchProbe> {
  const chosen = env.LATENT_LAB_PYTHON;
  const candidates = chosen ? [chosen] : pythonsOnPath(env.PATH);
  if (candidates.length === 0) return { found: false, reason: `no python3 on the PATH; ${INSTALL_HINT}` };
  const refusals: string[] = [];
  for (const python of candidates) {
    const r = await ask(python, timeoutMs);
    if (r.error !== undefined || r.version === undefined) {
      refusals.push(`${python}: ${r.error?.startsWith('ModuleNotFoundError') ? 'no torch module' : (r.error ?? 'no answer')}`);
      continue;
    }
    if (tooOld(r.version)) {
      refusals.push(`${python}: PyTorch ${r.version} is too old (the torch engine needs ${MIN_TORCH.join('.')} or newer)`);
      continue;
    }
    if (r.distributed === false) {
      refusals.push(`${python}: PyTorch ${r.version} was built without torch.distributed`);
      continue;
    }
    const cuda = r.cuda ?? [];
    const devices = [...cuda.map((name, i) => `cuda:${i} ${name}`), ...(r.mps ? ['mps'] : []), 'cpu'];
    return { found: true, python, version: r.version, devices, cudaDevices: cuda.length };
  }
  const where = chosen ? 'LATENT_LAB_PYTHON' : 'the python3 on the PATH';
  return { found: false, reason: `no usable PyTorch in ${where} (${refusals.join('; ')}); ${INSTALL_HINT}` };
}

/** What the PyTorch engine needs, for the badge's "how to get faster". */
export const TORCH_NEEDS =
  'Python 3 with PyTorch 1.13 or newer (pip install torch; Debian/Ubuntu: apt install python3-torch libopenblas0-pthread), or LATENT_LAB_PYTHON naming one: CUDA, ROCm or Apple MPS where it has them, torchrun for several processes or machines';

/** Why installing it pays (DESIGN.md's interleaved bench on 2 cores: 16,700 / 6,950 and 2,070 / 1,290 images/s). */
export const TORCH_WORTH =
  'on a CPU it trains the same models about 1.6 to 2.4 times as fast as wasm, on a CUDA, ROCm or Apple GPU ten to a hundred times, and torchrun spreads one run over several processes or machines';

/** The badge's line for the torch engine: found (its version, python and devices) or why not. */
export function torchBadge(probe: TorchProbe): { name: 'torch'; needs: string; why: string } {
  if (!probe.found) return { name: 'torch', needs: TORCH_NEEDS, why: `${probe.reason}; it is worth it: ${TORCH_WORTH}` };
  return {
    name: 'torch',
    needs: TORCH_NEEDS,
    why: `found, not chosen: PyTorch ${probe.version} (${probe.python}) on ${probe.devices.join(', ')}; choose it in the Train form, or train with --backend torch`,
  };
}

/** The same, as app:info's torch field (null: still looking). */
export function torchInfo(probe: TorchProbe | null): TorchInfo {
  if (!probe) return { state: 'looking' };
  if (!probe.found) return { state: 'missing', reason: probe.reason, install: TORCH_NEEDS, worth: TORCH_WORTH };
  return { state: 'found', version: probe.version, python: probe.python, devices: probe.devices };
}
