// `latent-lab serve`, a real process: its service is opened as the browser door,
// so app:info says `door: "browser"` and the browser door's rules (export destinations) hold,
// not the command line's.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, connect } from './ws-client';

const CLI = fileURLToPath(new URL('../../src/main/cli.ts', import.meta.url));
let dir: string;
let child: ChildProcess;
let client: Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-serve-door-'));
  child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--data-dir', join(dir, 'data'), '--backend', 'cpu'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  const url = await new Promise<string>((resolve, reject) => {
    const take = (chunk: Buffer): void => {
      printed += chunk.toString();
      const found = /serving on (http:\/\/\S+)/.exec(printed);
      if (found?.[1]) resolve(found[1]);
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${printed}`)));
  });
  const u = new URL(url);
  client = new Client(await connect(`ws://${u.host}/api?token=${u.searchParams.get('token')}`));
}, 60_000);
afterAll(() => {
  client?.ws.close();
  if (child?.pid && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('latent-lab serve', () => {
  it('says door "browser" in app:info', async () => {
    const info = await client.call('app:info');
    expect(info.ok && (info.value as { door: string }).door).toBe('browser');
  });
});
