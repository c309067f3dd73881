// Labels from file names: a flat folder of `obj1__0.png`, `obj12__35.png`, ... gets its labels
// from the names (the default rule or a regex with one group), through the probe, the import and
// the service's door.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFolder, probeFolder } from '../../src/main/core/data/folder.js';
import { defaultNameLabel, labelRule } from '../../src/main/core/data/label-source.js';
import { invoke as dispatch } from '../../src/main/dispatch';
import { withService } from './service-fixture';

let root: string;
let flat: string;
const objects = [1, 2, 12];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'll-labels-'));
  flat = join(root, 'objects');
  await mkdir(flat);
  // 3 objects x (2 + object index) views, grey, drawn so that each object differs
  for (const o of objects)
    for (let v = 0; v < 2 + objects.indexOf(o); v++) {
      const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: o * 20, g: o * 20, b: o * 20 } } })
        .png()
        .toBuffer();
      await writeFile(join(flat, `obj${o}__${v * 5}.png`), png);
    }
  await writeFile(join(flat, 'notes.txt'), 'not an image');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the default file-name rule', () => {
  it('takes the part before the first _ or -, else before the first digit run', () => {
    expect(defaultNameLabel('obj1__0.png')).toBe('obj1');
    expect(defaultNameLabel('obj12__35.png')).toBe('obj12');
    expect(defaultNameLabel('cat-003.jpg')).toBe('cat');
    expect(defaultNameLabel('dog17.png')).toBe('dog');
    expect(defaultNameLabel('7_0001.png')).toBe('7');
    expect(defaultNameLabel('00042.png')).toBeNull();
    expect(defaultNameLabel('_x.png')).toBeNull();
  });

  it('refuses a pattern that does not compile or has not exactly one group, naming the field', () => {
    expect(() => labelRule({ from: 'pattern', pattern: '(obj' })).toThrow(/^Label pattern: .*(unterminated|missing \))/i);
    expect(() => labelRule({ from: 'pattern', pattern: 'obj\\d+' })).toThrow('Label pattern: needs exactly one group');
    expect(() => labelRule({ from: 'pattern', pattern: '(a)(b)' })).toThrow(/has 2$/);
    expect(labelRule({ from: 'pattern', pattern: '^(obj\\d+)__' })('/x/obj3__9.png', null)).toBe('obj3');
    expect(labelRule({ from: 'pattern', pattern: '^(obj\\d+)__' })('/x/other.png', null)).toBeNull();
  });
});

describe('probe and import of a flat folder', () => {
  it('finds no subfolder labels but says the names hold 3', async () => {
    const p = await probeFolder(flat);
    expect(p.labels).toEqual([]);
    expect(p.unlabeled).toBe(9);
    expect(p.nameLabels).toBe(3);
  });

  it('previews the labels of the default rule and of a regex, with counts', async () => {
    const d = await probeFolder(flat, 50, undefined, { from: 'pattern' });
    expect(d.labels).toEqual(['obj1', 'obj2', 'obj12']);
    expect(d.labelCounts).toEqual([2, 3, 4]);
    expect(d.unlabeled).toBe(0);
    const r = await probeFolder(flat, 50, undefined, { from: 'pattern', pattern: '__(\\d+)\\.png$' });
    expect(r.labels).toEqual(['0', '5', '10', '15']);
    expect(r.labelCounts).toEqual([3, 3, 2, 1]);
    const bad = await probeFolder(flat, 50, undefined, { from: 'pattern', pattern: '[' });
    expect(bad.labelError).toMatch(/^Label pattern: /);
    expect(bad.imageFiles).toBe(9); // the rest of the look still answers
  });

  it('imports with the names as labels, and with none', async () => {
    const r = await importFolder(flat, { color: 'gray', side: 8, resize: 'fit', testShare: 0, seed: 1, labels: { from: 'pattern' } });
    expect(r.dataset.labelNames).toEqual(['obj1', 'obj2', 'obj12']);
    expect([...r.dataset.labels]).toEqual([0, 0, 1, 1, 1, 2, 2, 2, 2]);
    const none = await importFolder(flat, { color: 'gray', side: 8, resize: 'fit', testShare: 0, seed: 1, labels: { from: 'none' } });
    expect(none.dataset.labelNames).toEqual([]);
  });
});

describe('through the door', () => {
  const svc = withService('ll-labels-svc-');

  it('probes and imports with labelsFrom: pattern; a bad pattern is refused before the job starts', async () => {
    const p = await dispatch(svc(), 'datasets:probe', { path: flat, labelsFrom: 'pattern' });
    expect(p).toMatchObject({ ok: true, value: { labels: ['obj1', 'obj2', 'obj12'], labelCounts: [2, 3, 4] } });
    const bad = await dispatch(svc(), 'datasets:import', { kind: 'folder', path: flat, labelsFrom: 'pattern', labelPattern: 'x' });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringMatching(/^Label pattern: needs exactly one group/) },
    });
    const started = await dispatch(svc(), 'datasets:import', { kind: 'folder', path: flat, side: 8, labelsFrom: 'pattern' });
    if (!started.ok) throw new Error(started.error.message);
    const done = await svc().waitForJob(started.value.jobId);
    expect(done.status).toBe('done');
    const list = await svc()['datasets:list']({});
    expect(list[0]).toMatchObject({ labelNames: ['obj1', 'obj2', 'obj12'], labelCounts: [2, 3, 4] });
  });
});
