#!/usr/bin/env node
// Makes better-sqlite3's native module match the runtime about to start.
//
//   node scripts/ensure-electron-abi.mjs electron   (npm start / npm run dev)
//   node scripts/ensure-electron-abi.mjs node       (npm test / npm run serve)
//
// Electron and Node use different ABIs (NODE_MODULE_VERSION), and there is one
// build/Release/better_sqlite3.node. So each build is kept in node_modules/.cache/latent-lab-abi/
// once made, and switching back is a file copy; a marker next to the .node records which
// build is in place (with its size and mtime, so a rebuild by someone else is noticed).
// `node` does nothing but read the marker and stat the file when all is well (well under 1 s).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const moduleDir = join(root, 'node_modules', 'better-sqlite3');
const nativeFile = join(moduleDir, 'build', 'Release', 'better_sqlite3.node');
const markerFile = `${nativeFile}.abi.json`;
const cacheDir = join(root, 'node_modules', '.cache', 'latent-lab-abi');
const electronDir = join(root, 'node_modules', 'electron');
const rel = (p) => relative(root, p) || '.';

class Failure extends Error {}

function log(msg) {
  console.error(`[ensure-electron-abi] ${msg}`);
}

// ------------------------------------------------------------------ what is wanted

function nodeTarget() {
  return { runtime: 'node', abi: process.versions.modules, version: process.versions.node };
}

function electronTarget() {
  let version;
  try {
    version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  } catch {
    throw new Failure(`${rel(electronDir)} is not installed: run "npm install" first.`);
  }
  let abi = null;
  try {
    abi = readFileSync(join(electronDir, 'abi_version'), 'utf8').trim();
  } catch {
    // older electron packages have no abi_version file; the probe below finds it
  }
  return { runtime: 'electron', abi, version };
}

// ------------------------------------------------------------------ what is in place

function statKey(file) {
  const s = statSync(file);
  return { size: s.size, mtimeMs: Math.round(s.mtimeMs) };
}

function readMarker() {
  try {
    const m = JSON.parse(readFileSync(markerFile, 'utf8'));
    const s = statKey(nativeFile);
    // Someone rebuilt the module (npm rebuild, electron-builder) since we wrote the marker.
    if (m.size !== s.size || m.mtimeMs !== s.mtimeMs) return null;
    return m;
  } catch {
    return null;
  }
}

function writeMarker(build) {
  const m = { runtime: build.runtime, abi: build.abi, version: build.version, ...statKey(nativeFile) };
  writeFileSync(markerFile, JSON.stringify(m, null, 2) + '\n');
  return m;
}

/** Loads the .node into this Node process to learn its ABI (only when there is no marker). */
function probeInNode(file) {
  try {
    process.dlopen({ exports: {} }, file);
    return nodeTarget();
  } catch (err) {
    const found = /NODE_MODULE_VERSION (\d+)/.exec(String(err && err.message));
    if (found) return { runtime: 'unknown', abi: found[1], version: null };
    return { runtime: 'broken', abi: null, version: null, error: String(err && err.message) };
  }
}

const same = (a, b) => a && b && a.runtime === b.runtime && a.abi === b.abi;
const cacheFile = (t) => join(cacheDir, `${t.runtime}-${t.abi}.node`);

/** Copies a file over the native module without a moment where a half-written one exists. */
function install(from) {
  const tmp = `${nativeFile}.tmp-${process.pid}`;
  mkdirSync(dirname(nativeFile), { recursive: true });
  copyFileSync(from, tmp);
  renameSync(tmp, nativeFile);
}

function stash(build) {
  if (!build || !build.abi || (build.runtime !== 'node' && build.runtime !== 'electron')) return;
  mkdirSync(cacheDir, { recursive: true });
  const dest = cacheFile(build);
  const tmp = `${dest}.tmp-${process.pid}`;
  copyFileSync(nativeFile, tmp);
  renameSync(tmp, dest);
}

function run(cmd, args, opts = {}) {
  log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) return { ok: false, why: r.error.message };
  return { ok: r.status === 0, why: `exit code ${r.status}` };
}

// ------------------------------------------------------------------ Electron's binary

function electronBinary() {
  try {
    const pathTxt = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim();
    const bin = join(electronDir, 'dist', pathTxt);
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

function ensureElectronBinary(target) {
  let bin = electronBinary();
  if (bin) return bin;
  log(`Electron ${target.version} has no binary yet (${rel(join(electronDir, 'dist'))} is missing); downloading it.`);
  // npm install skips this on purpose (package.json allowScripts.electron = false) so that
  // installs work offline; the variable would make install.js exit without downloading.
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const r = run(process.execPath, [join(electronDir, 'install.js')], { env });
  bin = electronBinary();
  if (!r.ok || !bin) {
    throw new Failure(
      `could not download the Electron ${target.version} binary (${r.ok ? 'no binary after install.js' : r.why}).\n` +
        '  The desktop app needs it; the rest of Latent Lab does not. Either:\n' +
        '  - run "node node_modules/electron/install.js" where the internet is reachable, then "npm start" again, or\n' +
        '  - use browser mode, which needs no Electron: "npm run serve".',
    );
  }
  return bin;
}

/** Asks Electron itself (as Node) whether it can load the module: the only sure check. */
function loadsInElectron(bin) {
  const r = spawnSync(bin, ['-e', `process.dlopen({ exports: {} }, ${JSON.stringify(nativeFile)})`], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
  });
  return { ok: r.status === 0, why: (r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ') };
}

// ------------------------------------------------------------------ building

function rebuildFor(target, previous) {
  const restore = () => {
    // node-gyp cleans build/ first: a failed build leaves nothing. Put the old one back so at
    // least `npm test` keeps working.
    if (previous && existsSync(cacheFile(previous))) {
      install(cacheFile(previous));
      writeMarker(previous);
      log(`restored the previous ${previous.runtime} build (ABI ${previous.abi}).`);
    }
  };
  let r;
  if (target.runtime === 'electron') {
    const cli = join(root, 'node_modules', '@electron', 'rebuild', 'lib', 'cli.js');
    if (!existsSync(cli)) {
      restore();
      throw new Failure(`${rel(cli)} is missing: run "npm install" (it comes with electron-builder).`);
    }
    r = run(process.execPath, [cli, '--force', '--only', 'better-sqlite3', '--version', target.version, '--module-dir', root]);
  } else {
    r = run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['rebuild', 'better-sqlite3', '--foreground-scripts'], {
      shell: process.platform === 'win32',
    });
  }
  if (!r.ok || !existsSync(nativeFile)) {
    restore();
    const how =
      target.runtime === 'electron'
        ? 'It needs Electron\'s headers (or a prebuilt binary) from the internet and a C++ toolchain; run "npm start" again where the internet is reachable.'
        : "It needs Node's headers and a C++ toolchain (python3, make, g++).";
    throw new Failure(`rebuilding better-sqlite3 for ${target.runtime} ${target.version} failed (${r.why}). ${how}`);
  }
}

// ------------------------------------------------------------------ main

function main(which) {
  if (which !== 'electron' && which !== 'node') {
    throw new Failure('usage: node scripts/ensure-electron-abi.mjs <electron|node>');
  }
  if (!existsSync(join(moduleDir, 'package.json'))) {
    throw new Failure(`${rel(moduleDir)} is not installed: run "npm install" first.`);
  }
  const target = which === 'electron' ? electronTarget() : nodeTarget();
  const bin = which === 'electron' ? ensureElectronBinary(target) : null;

  // Fast path: the marker says the right build is in place.
  let current = existsSync(nativeFile) ? readMarker() : null;
  if (
    current &&
    (same(current, target) || (which === 'electron' && !target.abi && current.runtime === 'electron' && current.version === target.version))
  ) {
    return;
  }

  // No (valid) marker: find out what the file is.
  if (!current && existsSync(nativeFile)) {
    const probed = probeInNode(nativeFile);
    if (probed.runtime === 'node') current = writeMarker(probed);
    else if (probed.runtime === 'unknown' && bin && loadsInElectron(bin).ok)
      current = writeMarker({ ...target, abi: target.abi ?? probed.abi });
    else if (probed.runtime === 'unknown' && probed.abi === target.abi && which === 'electron') current = writeMarker(target);
    else current = probed;
    if (same(current, target)) {
      stash(current);
      return;
    }
  }
  if (current && current.runtime === 'node') stash(current); // keep the Node build for `npm test`

  // A build for the target made earlier: swap it in.
  if (target.abi && existsSync(cacheFile(target))) {
    install(cacheFile(target));
    writeMarker(target);
    log(`switched better-sqlite3 to the ${target.runtime} build (ABI ${target.abi}) from ${rel(cacheDir)}.`);
    return;
  }

  log(
    `better-sqlite3 is built for ${current ? `${current.runtime} (ABI ${current.abi ?? '?'})` : 'nothing yet'}; building it for ${target.runtime} ${target.version}.`,
  );
  const previous = current && (current.runtime === 'node' || current.runtime === 'electron') ? current : null;
  rebuildFor(target, previous);

  if (which === 'electron') {
    const check = loadsInElectron(bin);
    if (!check.ok) {
      if (previous && existsSync(cacheFile(previous))) install(cacheFile(previous));
      throw new Failure(`the rebuilt better-sqlite3 still does not load in Electron: ${check.why}`);
    }
    const built = { ...target, abi: target.abi ?? probeInNode(nativeFile).abi };
    writeMarker(built);
    stash(built);
  } else {
    const probed = probeInNode(nativeFile);
    if (probed.runtime !== 'node')
      throw new Failure(`the rebuilt better-sqlite3 does not load in Node: ${probed.error ?? `ABI ${probed.abi}`}`);
    writeMarker(probed);
    stash(probed);
  }
  log(`better-sqlite3 is now built for ${target.runtime} ${target.version}.`);
}

try {
  main(process.argv[2]);
} catch (err) {
  if (err instanceof Failure) {
    log(err.message);
    process.exit(1);
  }
  throw err;
} finally {
  // a stray temp file from an interrupted copy is harmless but untidy
  try {
    unlinkSync(`${nativeFile}.tmp-${process.pid}`);
  } catch {
    // none
  }
}
