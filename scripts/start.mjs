#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run, browser mode where it cannot.
//
// Electron cannot run on a machine with no display (a headless box over SSH) or where its binary
// is missing and cannot be downloaded (offline: npm install skips the download on purpose). There
// the README's main command still reaches the app: one line says why, then browser mode starts on
// 127.0.0.1, prints its URL and opens the system browser where there is one.
// Arguments after `npm start --` go to `latent-lab serve` (e.g. --port 8080) in browser mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

function electronBinaryPresent() {
  try {
    const pathTxt = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim();
    return existsSync(join(electronDir, 'dist', pathTxt));
  } catch {
    return false;
  }
}

/** The first line of what went wrong, without the stack. */
function firstLine(text) {
  const line = text.split('\n').find((l) => /error|fail|ENOTFOUND|ECONN|EAI_AGAIN/i.test(l)) ?? text.split('\n')[0] ?? '';
  return line
    .trim()
    .replace(/^(Error|RequestError|HTTPError):\s*/, '')
    .slice(0, 160);
}

/** Why Electron cannot run here, or null when it can (the binary is fetched if it is missing). */
function whyElectronCannotRun() {
  if (!existsSync(join(electronDir, 'package.json'))) return 'the electron package is not installed';
  const linuxLike = process.platform !== 'darwin' && process.platform !== 'win32';
  if (linuxLike && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  if (electronBinaryPresent()) return null;
  // npm install skips the download (package.json allowScripts.electron = false); try it now,
  // quietly: a failure is summed up in one line below.
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: root, env, encoding: 'utf8' });
  if (r.status === 0 && electronBinaryPresent()) return null;
  const detail = firstLine(`${r.stderr ?? ''}\n${r.stdout ?? ''}`) || r.error?.message || `exit code ${r.status}`;
  return `its binary is missing and could not be downloaded (${detail})`;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.error) {
    console.error(`latent-lab: ${cmd} could not start: ${r.error.message}`);
    return 1;
  }
  return r.status ?? 1;
}

function main() {
  const why = whyElectronCannotRun();
  const abi = join(root, 'scripts', 'ensure-electron-abi.mjs');
  if (!why) {
    const code = run(process.execPath, [abi, 'electron']);
    return code !== 0 ? code : run(bin('electron-vite'), ['preview']);
  }
  console.log(`Electron cannot run here: ${why}; starting browser mode instead.`);
  for (const [cmd, args] of [
    [process.execPath, [abi, 'node']],
    [bin('electron-vite'), ['build', '--logLevel', 'warn']],
  ]) {
    const code = run(cmd, args);
    if (code !== 0) return code;
  }
  // the server runs until a signal; pass ours on, so stopping npm start stops the server too
  const server = spawn(bin('tsx'), [join(root, 'src', 'main', 'cli.ts'), 'serve', '--open', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
  server.on('exit', (code) => process.exit(code ?? 0));
  return null;
}

const code = main();
if (code !== null) process.exitCode = code;
