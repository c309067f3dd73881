// The fuzz suite: a fixed seed and a bounded count of malformed calls over every
// method of the contract, sent through a real browser-mode server over a real service (SQLite,
// TF.js) on a data folder with a real dataset and a trained run, so the broken arguments reach
// past the schemas into the handlers. Every call must be answered within its time by a typed
// error Result (a contract code, never `internal`, a short message that never echoes the
// megabytes sent) or a success; every frame that is not a call closes only its own socket;
// the server keeps serving, and a well-formed app:info answers at the end.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode, Result } from '../../src/shared/contract';
import { decodeFrame, encodeWire, type WireMessage } from '../../src/shared/wire';
import { invoke } from '../../src/main/dispatch';
import { openService, type LatentLabService } from '../../src/main/core/service';
import { startServer, type RunningServer } from '../../src/main/server';
import { value, writeSmallIdx } from '../service/processes';
import { fuzzCases, oversizedFrame, regressionCases, type FuzzCase, type FuzzIds } from './fuzz-cases';
import { connect } from './ws-client';

// fixed, so every run sends the same cases; FUZZ_SEED=n explores others by hand
const SEED = Number(process.env.FUZZ_SEED ?? 0x9e11);
const COUNT = 400;
/** a call's answer may take this long (an evaluation, a training start); more is a hang */
const ANSWER_MS = 30_000;
/** an error message longer than this echoes input, or is no message for a person */
const MESSAGE_MAX = 2_000;

const CODES = ['bad-args', 'not-found', 'busy', 'conflict', 'bad-input', 'unsupported', 'forbidden', 'cancelled'] as const;
// every code of the contract but `internal` (a compile error if one is added and not listed here)
const _all: Exclude<ErrorCode, (typeof CODES)[number] | 'internal'> extends never ? true : never = true;
void _all;

let dir: string;
let cwd: string;
let svc: LatentLabService;
let server: RunningServer;
let ids: FuzzIds;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'll-fuzz-'));
  mkdirSync(join(dir, 'out'));
  // a relative path in a fuzzed export resolves against the working folder: keep it in ours
  cwd = process.cwd();
  mkdirSync(join(dir, 'cwd'));
  process.chdir(join(dir, 'cwd'));
  const { images, labels } = writeSmallIdx(dir);
  svc = await openService({ dataDir: join(dir, 'data'), door: 'browser', backend: 'cpu' });
  const imp = value(await invoke(svc, 'datasets:import', { kind: 'idx', path: images, labelsPath: labels, testShare: 0.2 }));
  expect((await svc.waitForJob(imp.jobId)).status).toBe('done');
  const datasetId = value(await invoke(svc, 'datasets:list', {}))[0]!.id;
  const start = value(
    await invoke(svc, 'runs:start', { datasetId, config: { latent: 2, hidden: [16], epochs: 1, batch: 20, threads: 1 }, backend: 'cpu' }),
  );
  expect((await svc.waitForJob(start.jobId)).status).toBe('done');
  ids = { datasetId, runId: start.runId, dir, images, labels };
  server = await startServer({ service: svc, port: 0 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  // cancel what the fuzz started (a training, an import) before the service closes
  for (const j of (await svc?.['jobs:list']({})) ?? []) await svc['jobs:cancel']({ jobId: j.jobId });
  await svc?.close();
  if (cwd) process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

/** One socket the cases go through, reopened when a case closes it. */
class FuzzSocket {
  private ws: WebSocket | null = null;
  constructor(private url: string) {}

  private async open(): Promise<WebSocket> {
    if (this.ws?.readyState === WebSocket.OPEN) return this.ws;
    this.ws = await connect(this.url);
    return this.ws;
  }

  /** Sends the frame; resolves with the Result answered, or the close code, or 'timeout'. */
  async send(frame: string | Uint8Array): Promise<{ result: unknown } | { closed: number } | 'timeout'> {
    const ws = await this.open();
    return new Promise((resolve) => {
      const done = (v: { result: unknown } | { closed: number } | 'timeout'): void => {
        clearTimeout(timer);
        ws.off('message', onMessage);
        ws.off('close', onClose);
        resolve(v);
      };
      const onMessage = (data: Buffer, isBinary: boolean): void => {
        const msg = decodeFrame(isBinary ? data : data.toString()) as WireMessage;
        if (msg.t === 'result') done({ result: msg.result }); // events (a started job's progress) are not answers
      };
      const onClose = (code: number): void => done({ closed: code });
      const timer = setTimeout(() => done('timeout'), ANSWER_MS);
      ws.on('message', onMessage);
      ws.on('close', onClose);
      ws.send(frame);
    });
  }

  close(): void {
    this.ws?.close();
  }
}

/** What is wrong with the answer to a case, or null. */
function problem(c: FuzzCase, answer: Awaited<ReturnType<FuzzSocket['send']>>): string | null {
  if (answer === 'timeout') return `no answer in ${ANSWER_MS} ms`;
  if ('closed' in answer) {
    if (c.expect === 'reply') return `socket closed (${answer.closed}) instead of an answer`;
    // 1003: not a call; 1009: past the size limit; 1007: not UTF-8 text (ws's own check)
    return [1003, 1007, 1009].includes(answer.closed) ? null : `closed with ${answer.closed}`;
  }
  if (c.expect === 'close') return `answered ${JSON.stringify(answer.result).slice(0, 200)} instead of closing`;
  const r = answer.result as Result<unknown>;
  if (!r || typeof r !== 'object' || typeof r.ok !== 'boolean') return `not a Result: ${JSON.stringify(r).slice(0, 200)}`;
  if (r.ok) return null;
  const { code, message } = r.error ?? {};
  if (!(CODES as readonly string[]).includes(code)) return `error code ${String(code)}: ${String(message).slice(0, 300)}`;
  if (typeof message !== 'string' || message.length === 0) return 'an error without a message';
  if (message.length > MESSAGE_MAX) return `a message of ${message.length} characters: ${message.slice(0, 120)}…`;
  return null;
}

describe(`fuzz: ${COUNT} malformed calls, seed ${SEED}`, () => {
  it('answers each with a typed error Result (or closes only that socket) and keeps serving', { timeout: 240_000 }, async () => {
    console.log(`fuzz seed ${SEED} (0x${SEED.toString(16)}), ${COUNT} cases`);
    const url = `ws://127.0.0.1:${server.port}/api?token=${server.token}`;
    const socket = new FuzzSocket(url);
    const cases = [...fuzzCases(SEED, COUNT, ids), ...regressionCases(), oversizedFrame(65 * 1024 * 1024)];
    const problems: string[] = [];
    const tally = new Map<string, number>();
    const slowest: [number, string][] = [];
    const t0 = Date.now();
    for (const [i, c] of cases.entries()) {
      const s = performance.now();
      const answer = await socket.send(c.frame);
      slowest.push([performance.now() - s, `#${i} ${c.name}`]);
      const p = problem(c, answer);
      if (p) problems.push(`#${i} ${c.name}: ${p}`);
      const key =
        answer === 'timeout'
          ? 'timeout'
          : 'closed' in answer
            ? `closed ${answer.closed}`
            : (answer.result as Result<unknown>).ok
              ? 'ok'
              : (answer.result as { error: { code: string } }).error.code;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    socket.close();
    console.log(
      `fuzz: ${cases.length} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${[...tally].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
    slowest.sort((a, b) => b[0] - a[0]);
    console.log(
      `slowest: ${slowest
        .slice(0, 6)
        .map(([ms, n]) => `${n} ${ms.toFixed(0)} ms`)
        .join('; ')}`,
    );
    expect(problems).toEqual([]);

    // still serving: a well-formed call on a new socket
    const fresh = new FuzzSocket(url);
    const info = await fresh.send(encodeWire({ t: 'call', id: 1, method: 'app:info', args: {} } satisfies WireMessage));
    fresh.close();
    expect(info).toMatchObject({ result: { ok: true, value: { door: 'browser' } } });
  });
});
