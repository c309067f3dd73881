// The npm Chromium (@sparticuz/chromium, ~66 MB, a Linux x64 build) goes only into the Linux x64
// installers. electron-builder.yml is read as electron-builder reads it, and each file of the
// package is put through electron-builder's own file matcher (app-builder-lib) for every
// platform and architecture the config builds (the matcher electron-builder puts production
// dependencies through), so the test says what the installer would hold.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = join(__dirname, '..', '..');
const { load } = require('js-yaml') as { load(text: string): unknown };
const { getNodeModuleFileMatcher } = require('app-builder-lib/out/fileMatcher') as {
  getNodeModuleFileMatcher(
    appDir: string,
    destination: string,
    macroExpander: (p: string) => string,
    platformOptions: object,
    packager: { config: object; debugLogger: { isEnabled: boolean } },
  ): { createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean };
};

interface Config {
  files: string[];
  linux: { target: (string | { target: string; arch?: string[] })[]; files?: string[] };
  mac: { files?: string[] };
  win: { files?: string[] };
}
const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Config;

/** Would electron-builder copy this file of a production dependency into the app for that
 *  platform and arch? (node_modules go through their own matcher: the config's exclusions) */
function packed(platform: 'linux' | 'mac' | 'win', arch: string, file: string): boolean {
  // the macros electron-builder expands in file patterns (platformPackager.expandMacro)
  const macros = (p: string): string => p.replace(/\$\{arch\}/g, arch).replace(/\$\{os\}/g, platform);
  const matcher = getNodeModuleFileMatcher(root, '/app', macros, config[platform], { config, debugLogger: { isEnabled: false } });
  const abs = join(root, file);
  return matcher.createFilter()(abs, statSync(abs));
}

const pkg = join(root, 'node_modules', '@sparticuz', 'chromium');
const files = (readdirSync(pkg, { recursive: true }) as string[])
  .map((f) => relative(root, join(pkg, f)))
  .filter((f) => statSync(join(root, f)).isFile());

describe('the npm Chromium in the installers', () => {
  it('is in the Linux x64 build, every file of it, and Linux builds only x64', () => {
    expect(files).toContain(join('node_modules', '@sparticuz', 'chromium', 'bin', 'chromium.br'));
    for (const f of files) expect(packed('linux', 'x64', f), f).toBe(true);
    // a Linux target for another architecture would carry an x64 browser it cannot run
    for (const t of config.linux.target) expect(typeof t === 'string' ? null : t.arch, JSON.stringify(t)).toEqual(['x64']);
  });

  it('is in no macOS or Windows build, on any architecture', () => {
    for (const [platform, arches] of [
      ['mac', ['x64', 'arm64', 'universal']],
      ['win', ['x64', 'ia32', 'arm64']],
    ] as const)
      for (const arch of arches) for (const f of files) expect(packed(platform, arch, f), `${platform} ${arch}: ${f}`).toBe(false);
  });

  it('leaves the other dependencies in every build', () => {
    for (const platform of ['linux', 'mac', 'win'] as const)
      for (const f of ['better-sqlite3/package.json', '@tensorflow/tfjs-backend-wasm/package.json'])
        expect(packed(platform, 'x64', join('node_modules', f)), `${platform}: ${f}`).toBe(true);
  });
});
