// The Electron door's IPC loop against the real service (temp data folder): every contract
// method is bound, untrusted senders and bad arguments get a Result, good calls reach the
// service, and a service that failed to open answers with its error instead of hanging.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppFailure, methodNames, type Result } from '../../src/shared/contract';
import { DB_FILE, openService, type LatentLabService } from '../../src/main/core/service';
import { bindContract, callThroughDoor, type ShellHandlers } from '../../src/main/electron/ipc';

/** What an IpcMainInvokeEvent is to the loop: something isTrusted can judge. */
interface FakeEvent {
  fromOurWindow: boolean;
}
type Listener = (event: FakeEvent, args: unknown) => Promise<unknown>;

const trusted: FakeEvent = { fromOurWindow: true };
const stranger: FakeEvent = { fromOurWindow: false };

function shellRecorder(): { shell: ShellHandlers<FakeEvent>; calls: [string, unknown][] } {
  const calls: [string, unknown][] = [];
  return {
    calls,
    shell: {
      'dialog:openFolder': async (args) => (calls.push(['dialog:openFolder', args]), { path: '/chosen/folder' }),
      'dialog:openFile': async (args) => (calls.push(['dialog:openFile', args]), { path: null }),
      'dialog:saveFile': async (args) => (calls.push(['dialog:saveFile', args]), { path: `/out/${args.defaultName}` }),
    },
  };
}

describe('bindContract over the real service', () => {
  let dir: string;
  let service: LatentLabService;
  const handlers = new Map<string, Listener>();
  const removed: string[] = [];
  let unbind: () => void;
  const recorder = shellRecorder();

  const call = async (method: string, args: unknown, event: FakeEvent = trusted): Promise<Result<unknown>> => {
    const h = handlers.get(method);
    if (!h) throw new Error(`no handler bound for ${method}`);
    return (await h(event, args)) as Result<unknown>;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latent-lab-ipc-'));
    service = await openService({ dataDir: dir, door: 'electron', backend: 'cpu' });
    unbind = bindContract<FakeEvent>({
      handle: (channel, listener) => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`); // as ipcMain does
        handlers.set(channel, listener);
      },
      removeHandler: (channel) => {
        removed.push(channel);
        handlers.delete(channel);
      },
      isTrusted: (e) => e.fromOurWindow,
      service,
      shell: recorder.shell,
    });
  });

  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds one handler per contract method', () => {
    expect([...handlers.keys()].sort()).toEqual([...methodNames].sort());
  });

  it('a good call reaches the service', async () => {
    const info = await call('app:info', undefined);
    expect(info.ok).toBe(true);
    if (!info.ok) return;
    expect(info.value).toMatchObject({ door: 'electron', dataDir: dir });
    expect(await call('datasets:list', {})).toEqual({ ok: true, value: [] });
  });

  it('refuses a sender that is not our window, before looking at anything else', async () => {
    const r = await call('datasets:list', {}, stranger);
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // even a shell method (no dialog may open for a stranger)
    const before = recorder.calls.length;
    expect(await call('dialog:openFolder', {}, stranger)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(recorder.calls.length).toBe(before);
  });

  it('rejects bad arguments with a Result naming the field', async () => {
    const r = await call('runs:get', { runId: -3 });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-args' } });
    if (!r.ok) expect(r.error.message).toContain('runId');
    expect(await call('datasets:list', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'bad-args' } });
    expect(await call('datasets:probe', 'not an object')).toMatchObject({ ok: false, error: { code: 'bad-args' } });
  });

  it('turns a service failure into a Result with its code', async () => {
    expect(await call('runs:get', { runId: 987 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('answers an unknown method with unsupported', async () => {
    const r = await callThroughDoor(
      { isTrusted: (e: FakeEvent) => e.fromOurWindow, service, shell: recorder.shell },
      'fs:readFile',
      trusted,
      {},
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });

  it('runs the shell methods in the door with validated arguments', async () => {
    expect(await call('dialog:saveFile', {})).toMatchObject({ ok: false, error: { code: 'bad-args' } });
    expect(await call('dialog:saveFile', { defaultName: 'sweep.png' })).toEqual({ ok: true, value: { path: '/out/sweep.png' } });
    // defaults filled in by the schema before the handler sees them
    expect(await call('dialog:openFile', undefined)).toEqual({ ok: true, value: { path: null } });
    expect(recorder.calls.at(-1)).toEqual(['dialog:openFile', {}]);
  });

  it('unbinds every handler', () => {
    unbind();
    expect(removed.sort()).toEqual([...methodNames].sort());
    expect(handlers.size).toBe(0);
  });
});

describe('a service that could not open', () => {
  it('answers calls with the start-up error (a database from a newer version)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-lab-ipc-newer-'));
    try {
      const db = new Database(join(dir, DB_FILE));
      db.pragma('user_version = 9999');
      db.close();
      const opening = openService({ dataDir: dir, door: 'electron', backend: 'cpu' });
      opening.catch(() => undefined);
      await expect(opening).rejects.toBeInstanceOf(AppFailure);

      const handlers = new Map<string, Listener>();
      bindContract<FakeEvent>({
        handle: (channel, listener) => void handlers.set(channel, listener),
        isTrusted: (e) => e.fromOurWindow,
        service: opening,
        shell: shellRecorder().shell,
      });
      const r = (await handlers.get('datasets:list')!(trusted, {})) as Result<unknown>;
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.message).toMatch(/did not start.*newer version/);
      // the door's own methods still work: the error page may offer a folder dialog
      expect(await handlers.get('dialog:openFolder')!(trusted, {})).toEqual({ ok: true, value: { path: '/chosen/folder' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
