// The `latent-lab` command's entry (package.json, bin/latent-lab.mjs and the tests name this
// file); the commands themselves live in cli/.
import { main } from './cli/main';

export { main, parseArgv, type CliIo } from './cli/main';

// Only when run directly (tsx src/main/cli.ts, the bin, or the bundled cli), not when imported by tests.
const entry = process.argv[1] ?? '';
if (/cli\.(ts|js|mjs)$/.test(entry) || entry.endsWith('latent-lab') || entry.endsWith('latent-lab.mjs')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
