// The fuzz suite's cases: from one seed, a fixed list of hostile frames for the
// browser-mode socket. Most are calls of a contract method whose valid arguments (built on the
// test's real dataset and run) are broken one way: a field of the wrong type, missing, extreme,
// an unknown one added, nested junk, the whole argument replaced. The rest break the envelope:
// unknown methods, non-JSON and truncated text, binary frames with lying headers, a frame past
// the size limit. Each case says whether the server should answer it with a Result or close
// the socket (a frame that is not a call has no id to answer).
import { mulberry32 } from '../../src/main/core/data/split';
import type { ArgsIn, Method } from '../../src/shared/contract';
import { methodNameList } from '../../src/shared/names';
import { encodeFrame, encodeWire } from '../../src/shared/wire';

export interface FuzzCase {
  /** what it tries, for the failure message (never the megabytes themselves) */
  name: string;
  frame: string | Uint8Array;
  /** 'reply': a call with an id, answered by a Result; 'close': not a call, the socket is closed */
  expect: 'reply' | 'close';
}

/** The real records the valid arguments point at. */
export interface FuzzIds {
  datasetId: number;
  runId: number;
  /** a folder of the test's own, for paths that should exist */
  dir: string;
  images: string;
  labels: string;
}

type Rng = () => number;

/** Valid arguments of every method (the compiler checks none is missing), each case breaks one. */
function validArgs(ids: FuzzIds): { [M in Method]: ArgsIn<M> } {
  const { datasetId, runId, dir } = ids;
  const sweep = { kind: 'sweep' as const, runId, dims: [0, 1] as [number, number], grid: 4, base: { kind: 'random' as const, seed: 3 } };
  return {
    'app:info': {},
    'datasets:list': {},
    'datasets:probe': { path: dir, labelsFrom: 'subfolders' },
    'datasets:import': { kind: 'idx', path: ids.images, labelsPath: ids.labels, name: 'fuzzed', side: 8, testShare: 0.2, seed: 2 },
    'datasets:browse': { path: dir, prefix: 'small' },
    'datasets:skipped': { datasetId },
    'datasets:rename': { datasetId, name: 'renamed by the fuzz' },
    'datasets:relabel': { datasetId, names: ['a', 'b', 'c', 'd'] },
    'datasets:delete': { datasetId },
    'runs:list': {},
    'runs:get': { runId },
    'runs:metrics': { runId, kind: 'epoch' },
    'runs:start': {
      datasetId,
      config: { model: 'vae', latent: 2, hidden: [8], epochs: 1, batch: 20, limit: 40, threads: 1 },
      backend: 'cpu',
    },
    'runs:resume': { runId },
    'runs:rename': { runId, name: 'fuzz run' },
    'runs:delete': { runId },
    'runs:quality': { runId },
    'runs:export': { runId, path: `${dir}/out/run.llrun` },
    'runs:import': { path: `${dir}/no-such.llrun`, name: 'imported' },
    'jobs:list': {},
    'jobs:cancel': { jobId: 'no-such-job' },
    'explore:dims': { runId, level: 1 },
    'explore:grid': sweep,
    'explore:encode': { runId, index: 3 },
    'explore:scatter': { runId, limit: 10, projection: 'pca', seed: 1 },
    'explore:evaluate': { runId, iwae: 2, limit: 20 },
    'explore:outliers': { runId, limit: 4 },
    'export:grid': { spec: sweep, scale: 1, gutter: 0, path: `${dir}/out/grid.png` },
    'export:metrics': { runId, path: `${dir}/out/metrics.csv` },
    'export:model': { runId, path: `${dir}/out/model` },
    'export:animation': { walk: { kind: 'traverse', runId, dim: 0, steps: 3 }, format: 'gif', fps: 5, scale: 1 },
    'dialog:openFolder': {},
    'dialog:openFile': { filters: [{ name: 'images', extensions: ['png'] }] },
    'dialog:saveFile': { defaultName: 'grid.png' },
  };
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

// Never a small positive integer: a junk id must not name the test's real dataset or run,
// or a mutated delete would take them away from the cases after it.
const NUMBERS = [0, -1, -7, -(2 ** 31), 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, 5e-324, 0.5, -0.0, 1e21, 999_999, 3.14159];

/** Integers a schema accepts that name nothing in the test's data (never 1: the real dataset and run). */
const PLAUSIBLE = [2, 3, 7, 31, 32, 63, 64, 255, 256, 1023, 1024, 4096, 70_000, 2 ** 31 - 1];

/** A long string of one repeated unit (its length, not its bytes, in the case name). */
const long = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

const STRINGS = (): string[] => [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  'null',
  '__proto__',
  'constructor',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '👾'.repeat(40),
  '%s%s%n',
  '../../../../../../etc/passwd',
  '/proc/self/mem',
  '/dev/zero',
  '/',
  'relative/path',
  '\\\\server\\share',
  long('x', 5_000),
  long('y', 300_000),
  long('ünï', 100_000),
];

/** A junk value of any JSON type, `depth` levels of nesting at most. */
function junk(rng: Rng, depth = 2): unknown {
  const r = rng();
  if (r < 0.3) return pick(rng, NUMBERS);
  if (r < 0.55) return pick(rng, STRINGS());
  if (r < 0.62) return pick(rng, [true, false, null]);
  if (r < 0.72 && depth > 0) return Array.from({ length: Math.floor(rng() * 4) }, () => junk(rng, depth - 1));
  if (r < 0.82 && depth > 0) {
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(rng() * 3); i >= 0; i--)
      o[pick(rng, ['kind', 'runId', 'x', '__proto__', long('k', 2_000), ''])] = junk(rng, depth - 1);
    return o;
  }
  if (r < 0.86) return Array.from({ length: 100_000 }, () => 0);
  if (r < 0.9) return deep(pick(rng, [50, 2_000]));
  if (r < 0.95) return { __u8: pick(rng, ['AAAA', '!!!!', long('QUFB', 40_000)]) };
  return {};
}

function deep(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

type Tree = Record<string, unknown> | unknown[];
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !(v instanceof Uint8Array);

/** Every path to a value inside `v` (objects and arrays), the root excluded. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (!isTree(v)) return [];
  const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return keys.flatMap((k) => [[...prefix, k], ...paths((v as Record<string | number, unknown>)[k], [...prefix, k])]);
}

function setAt(root: unknown, path: (string | number)[], f: (parent: Tree, key: string | number) => void): unknown {
  const copy = structuredClone(root);
  let node = copy as Tree;
  for (const k of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[k] as Tree;
  f(node, path.at(-1)!);
  return copy;
}

/** The valid arguments broken one way; returns what it did and the arguments. */
function mutate(rng: Rng, args: unknown): [string, unknown] {
  const all = paths(args);
  const r = rng();
  if (all.length === 0 || r < 0.15) {
    const j = junk(rng);
    return [`args replaced by ${describe(j)}`, j];
  }
  const path = pick(rng, all);
  const at = path.join('.');
  if (r < 0.55) {
    const j = junk(rng);
    return [`${at} = ${describe(j)}`, setAt(args, path, (p, k) => ((p as Record<string | number, unknown>)[k] = j))];
  }
  if (r < 0.7) return [`${at} removed`, setAt(args, path, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k]))];
  if (r < 0.75) {
    const n = pick(rng, NUMBERS);
    return [`${at} = ${n}`, setAt(args, path, (p, k) => ((p as Record<string | number, unknown>)[k] = n))];
  }
  if (r < 0.85) {
    // a value the schema takes but the data lacks: past the dataset, the latent size, the labels
    const n = pick(rng, PLAUSIBLE);
    return [`${at} = ${n}`, setAt(args, path, (p, k) => ((p as Record<string | number, unknown>)[k] = n))];
  }
  const key = pick(rng, ['extra', '__proto__', 'constructor', long('u', 3_000)]);
  const j = junk(rng, 1);
  const parent = path.length > 1 ? path.slice(0, -1) : [];
  const mutated = structuredClone(args) as Tree;
  let node = mutated;
  for (const k of parent) node = (node as Record<string | number, unknown>)[k] as Tree;
  if (!Array.isArray(node)) Object.defineProperty(node, key, { value: j, enumerable: true, writable: true, configurable: true });
  return [`unknown field ${describe(key)} beside ${at}`, mutated];
}

/** A short description of a value: its type and size, never the value itself when big. */
function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? `string(${v.length})` : JSON.stringify(v);
  if (Array.isArray(v)) return `array(${v.length})`;
  if (isTree(v)) return `object{${Object.keys(v).map((k) => (k.length > 20 ? `key(${k.length})` : k))}}`;
  return String(v);
}

let nextId = 1;
const call = (method: unknown, args: unknown, extra: Record<string, unknown> = {}): string =>
  encodeWire({ t: 'call', id: nextId++, method, args, ...extra });

/** Frames outside any one method: the envelope, the encoding, the framing. */
function envelopeCase(rng: Rng): FuzzCase {
  const r = rng();
  if (r < 0.3) {
    const method = pick(rng, [
      'nope:nothing',
      '',
      'app:info ',
      'APP:INFO',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      long('m', 1_000_000),
      ['app:info'],
      [long('z', 500_000)],
      { toString: 'app:info' },
      42,
      null,
      true,
    ]);
    return { name: `unknown method ${describe(method)}`, frame: call(method, {}), expect: 'reply' };
  }
  if (r < 0.4) {
    const id = pick(rng, [-1, 0, 2 ** 53, 1e308, -1e308, 0.25]);
    return { name: `call with id ${id}`, frame: encodeWire({ t: 'call', id, method: 'app:info', args: {} }), expect: 'reply' };
  }
  if (r < 0.44) {
    // a bytes tag that is not one (a number, bad base64, a key beside it): a bad argument, answered
    const tag = pick(rng, ['12345', '"!!"', '"AAAA","x":1', '{"__u8":"AAAA"}']);
    return {
      name: `a call with the bytes tag ${tag}`,
      frame: `{"t":"call","id":${nextId++},"method":"app:info","args":{"__u8":${tag}}}`,
      expect: 'reply',
    };
  }
  if (r < 0.49) {
    const frame = encodeFrame({
      t: 'call',
      id: nextId++,
      method: 'runs:import',
      args: { bytes: junkBytes(rng), fileName: 'x.llrun' },
      bin: true,
    });
    return { name: 'runs:import of junk bytes in a binary frame', frame, expect: 'reply' };
  }
  if (r < 0.65) {
    const text = pick(rng, [
      'hello',
      '',
      '{',
      'null',
      '[]',
      '42',
      '"call"',
      '{"t":"call","id":NaN,"method":"app:info","args":{}}',
      '{"t":"call","id":1,"method":"app:info","args":{"x":NaN}}',
      '{"t":"call","method":"app:info","args":{}}',
      '{"t":"call","id":"7","method":"app:info","args":{}}',
      '{"t":"result","id":1,"result":{}}',
      '{"t":"event","event":"job:finished","payload":{}}',
      '['.repeat(200_000) + ']'.repeat(200_000),
      '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
    ]);
    return { name: `text ${describe(text)}`, frame: text, expect: 'close' };
  }
  if (r < 0.8) {
    const whole = call('explore:grid', { kind: 'sweep', runId: 1, dims: [0, 1] });
    const cut = 1 + Math.floor(rng() * (whole.length - 2));
    return { name: `a call truncated at ${cut} of ${whole.length} characters`, frame: whole.slice(0, cut), expect: 'close' };
  }
  return binaryCase(rng);
}

function junkBytes(rng: Rng): Uint8Array {
  const bytes = new Uint8Array(Math.floor(rng() * 4096));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rng() * 256);
  if (rng() < 0.5 && bytes.length > 8) bytes.set([0x4c, 0x4c, 0x52, 0x55, 0x4e], 0); // an "LLRUN"-like start
  return bytes;
}

/** Binary frames whose header lies: lengths past the end, references to bytes it lacks, noise. */
function binaryCase(rng: Rng): FuzzCase {
  const header = (json: string, tail = 0): Uint8Array => {
    const h = new TextEncoder().encode(json);
    const out = new Uint8Array(4 + h.length + tail);
    new DataView(out.buffer).setUint32(0, h.length, true);
    out.set(h, 4);
    return out;
  };
  const kind = Math.floor(rng() * 7);
  switch (kind) {
    case 0:
      return { name: 'binary noise', frame: junkBytes(rng), expect: 'close' };
    case 1:
      return { name: 'binary frame of 3 bytes', frame: new Uint8Array([1, 2, 3]), expect: 'close' };
    case 2: {
      const f = header('{}');
      new DataView(f.buffer).setUint32(0, 0xffffffff, true);
      return { name: 'binary header length 2^32-1', frame: f, expect: 'close' };
    }
    case 3:
      return {
        name: 'binary bytes past the frame',
        frame: header('{"b":[1000000],"m":{"t":"call","id":1,"method":"app:info","args":{}}}', 4),
        expect: 'close',
      };
    case 4:
      return {
        name: 'binary reference to missing bytes',
        frame: header('{"b":[],"m":{"t":"call","id":1,"method":"app:info","args":{"x":{"__bin":3}}}}'),
        expect: 'close',
      };
    case 5:
      return { name: 'binary header not an object', frame: header('{"b":"abc","m":null}'), expect: 'close' };
    default: {
      const whole = encodeFrame({ t: 'call', id: 1, method: 'runs:import', args: { bytes: new Uint8Array(64) }, bin: true }) as Uint8Array;
      return { name: 'binary call truncated', frame: whole.subarray(0, Math.floor(whole.length * rng())), expect: 'close' };
    }
  }
}

/**
 * `count` cases from `seed`: every method of the contract in turn with its arguments broken
 * (so each is reached many times), an envelope case every fourth.
 */
export function fuzzCases(seed: number, count: number, ids: FuzzIds): FuzzCase[] {
  const rng = mulberry32(seed);
  const valid = validArgs(ids);
  const out: FuzzCase[] = [];
  let m = 0;
  while (out.length < count) {
    if (out.length % 4 === 3) {
      out.push(envelopeCase(rng));
      continue;
    }
    const method = methodNameList[m++ % methodNameList.length]!;
    const [what, args] = mutate(rng, valid[method]);
    out.push({ name: `${method}: ${what}`, frame: call(method, args, rng() < 0.3 ? { bin: true } : {}), expect: 'reply' });
  }
  return out;
}

/** Cases other seeds found defects with (FUZZ_SEED=n), kept so the fixed seed sends them too. */
export function regressionCases(): FuzzCase[] {
  return [
    // seed 1, #320: a probe of a device file came back `internal` (scan.ts threw a plain Error)
    { name: 'datasets:probe: path = "/dev/zero"', frame: call('datasets:probe', { path: '/dev/zero' }), expect: 'reply' },
  ];
}

/** One frame past the server's size limit: the socket is closed (1009) without reading it into a call. */
export function oversizedFrame(bytes: number): FuzzCase {
  return { name: `a frame of ${bytes} bytes`, frame: call('datasets:probe', { path: long('p', bytes) }), expect: 'close' };
}
