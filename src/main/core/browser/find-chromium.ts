// Which Chromium to drive, for the e2e tests, the UI benchmark and any page that must run in a
// real browser: the one the person names (LATENT_LAB_CHROMIUM), else the system's, else the one
// that `npm install` brought with the project (@sparticuz/chromium ships a Linux x64 headless
// Chromium 147 inside its tarball, brotli-packed). So the README's `npm install && npm test`
// passes on a machine with no browser installed by hand, and a system Chromium still wins where
// there is one.
//
// Flags, checked by hand with playwright-core on the npm Chromium (147.0.7727.0) as root on
// Debian 12, loopback page: `--headless --no-sandbox --enable-unsafe-webgpu
// --disable-background-networking --disable-component-update --disable-sync --no-first-run
// --disable-quic` gives `navigator.gpu.requestAdapter()` a SwiftShader adapter (vendor google,
// architecture swiftshader, isFallbackAdapter true) and `requestDevice()` a device. Without
// --enable-unsafe-webgpu there is no adapter on Linux; without SwiftShader's libraries beside
// the binary, "Failed to create WebGPU Context Provider". --disable-gpu stays out: it is not
// needed for a headless page here and would be the first suspect if WebGPU broke.
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';

export type ChromiumSource = 'env' | 'system' | 'npm';

export interface FoundChromium {
  path: string;
  source: ChromiumSource;
  /** e.g. "147.0.7727.0", from `--version`; absent where the binary did not say */
  version?: string;
}

/** The environment variable that names a Chromium to use before any other. */
export const CHROMIUM_ENV = 'LATENT_LAB_CHROMIUM';

const SYSTEM_CANDIDATES: Record<string, string[]> = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
  ],
  darwin: ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'],
  win32: ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe'],
};

/**
 * The Chromium to use: LATENT_LAB_CHROMIUM, else the system's, else the npm package's (unpacked
 * once into the temp folder). Null where none exists (the npm one runs on Linux x64 only).
 * Throws when LATENT_LAB_CHROMIUM names a file that is not there: a setting that is wrong
 * should say so, not be passed over for another browser.
 */
export async function findChromium(): Promise<FoundChromium | null> {
  const named = process.env[CHROMIUM_ENV];
  if (named) {
    if (!existsSync(named))
      throw new Error(`${CHROMIUM_ENV}=${named}: no such file (unset it to use the system's or the bundled Chromium)`);
    return withVersion(named, 'env');
  }
  const system = (SYSTEM_CANDIDATES[process.platform] ?? []).find((p) => existsSync(p));
  if (system) return withVersion(system, 'system');
  const bundled = await unpackNpmChromium();
  return bundled ? withVersion(bundled, 'npm') : null;
}

/**
 * The flags for a headless Chromium showing a loopback page on a closed network, with WebGPU
 * possible. Playwright makes its own profile folder and refuses --user-data-dir in `args`; give
 * `userDataDir` only when spawning Chromium yourself (then give it a fresh folder each time).
 */
export function chromiumArgs(source: ChromiumSource, options: { userDataDir?: string } = {}): string[] {
  const args = [
    '--headless',
    // the tests and CI run as root, where Chromium's sandbox refuses to start
    '--no-sandbox',
    // WebGPU on Linux is behind this flag; the adapter is SwiftShader's where no GPU is usable
    '--enable-unsafe-webgpu',
    // a closed network: without these Chromium keeps dialling Google's hosts, many at a time
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ];
  // The npm build is chrome-headless-shell: it has no first-run or default-browser UI to skip,
  // and the flags above are all it needs. Kept as a switch for when a source needs its own.
  void source;
  if (options.userDataDir) args.push(`--user-data-dir=${options.userDataDir}`);
  return args;
}

function withVersion(path: string, source: ChromiumSource): Promise<FoundChromium> {
  return new Promise((resolve) => {
    execFile(path, ['--version'], { timeout: 15_000 }, (_error, stdout) => {
      const version = /\d+(?:\.\d+){1,3}/.exec(String(stdout))?.[0];
      resolve(version ? { path, source, version } : { path, source });
    });
  });
}

/**
 * Unpacks the npm package's Chromium and SwiftShader (which must sit beside the binary: WebGPU
 * and WebGL use them) into <tmp>/latent-lab-chromium-<package version>/ and returns the binary's
 * path. The package's own executablePath() unpacks into /tmp itself, file by file, and takes
 * any /tmp/chromium it finds for finished; two test processes starting at once, or another
 * project's /tmp/chromium, would then run a half-written or foreign binary. Here the folder is
 * filled under a private name and renamed into place, so it exists only when complete.
 */
async function unpackNpmChromium(): Promise<string | null> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  let packageDir: string;
  let version: string;
  try {
    const require = createRequire(import.meta.url);
    packageDir = dirname(dirname(dirname(require.resolve('@sparticuz/chromium'))));
    // its exports map hides package.json from require
    version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
  const bin = join(packageDir, 'bin');
  if (!existsSync(join(bin, 'chromium.br'))) return null;
  const target = join(tmpdir(), `latent-lab-chromium-${version}`);
  const binary = join(target, 'chromium');
  if (existsSync(binary)) return binary;

  const staging = `${target}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    await pipeline(
      createReadStream(join(bin, 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(join(staging, 'chromium'), { mode: 0o755 }),
    );
    await untarBrotli(join(bin, 'swiftshader.tar.br'), staging);
    try {
      renameSync(staging, target);
    } catch (e) {
      // another process finished first: its copy is as good as ours
      if (!existsSync(binary)) throw e;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

/** Extracts a brotli-packed tar with the system's tar (the npm Chromium exists on Linux only). */
async function untarBrotli(archive: string, into: string): Promise<void> {
  const tar = execFile('tar', ['-x', '--no-same-owner', '-f', '-', '-C', into]);
  const done = new Promise<void>((resolve, reject) => {
    let stderr = '';
    tar.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    tar.on('error', reject);
    tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar -x ${archive}: exit ${code}: ${stderr.trim()}`))));
  });
  await pipeline(createReadStream(archive), createBrotliDecompress(), tar.stdin!);
  await done;
}
