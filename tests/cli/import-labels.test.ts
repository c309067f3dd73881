// `import --labels-from subfolders|name|none [--label-pattern RE]`: the import sheet's choice of
// where a folder's labels come from, its default rule (subfolders, else the file names where
// they hold labels) and its preview of labels and counts, from a terminal. Real PNG files.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { withDataDir } from './harness';

const { cli, dir } = withDataDir('ll-cli-labels-');

async function png(path: string, shade: number): Promise<void> {
  await sharp(Buffer.alloc(8 * 8, shade), { raw: { width: 8, height: 8, channels: 1 } })
    .png()
    .toFile(path);
}

let flat = '';
let nested = '';
beforeAll(async () => {
  // a flat folder whose names hold the object: cup_1.png ... lamp_3.png, plus one unnamed
  flat = join(dir(), 'objects');
  mkdirSync(flat, { recursive: true });
  for (const [o, name] of ['cup', 'lamp', 'shoe'].entries())
    for (let v = 1; v <= 3; v++) await png(join(flat, `${name}_${v}.png`), 40 + o * 60 + v);
  // subfolders as labels
  nested = join(dir(), 'nested');
  for (const label of ['a', 'b']) {
    mkdirSync(join(nested, label), { recursive: true });
    for (let v = 0; v < 2; v++) await png(join(nested, label, `x${v}.png`), label === 'a' ? 30 + v : 200 + v);
  }
});

const labelsOf = async (name: string) => {
  const r = await cli('datasets');
  const row = r.out.split('\n').find((l) => l.includes(name));
  return row?.trim().split(/\s{2,}/)[6];
};

describe('import --labels-from', () => {
  it('by default takes the file names where no subfolder holds images, and says so with the counts', async () => {
    const r = await cli('import', flat, '--name', 'flat-default');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /labels from file names \(no subfolders hold images; the file names hold 3 labels by the default rule\): 3 labels — cup 3, lamp 3, shoe 3/,
    );
    expect(await labelsOf('flat-default')).toBe('3');
  });

  it('keeps subfolders by default where they hold labels', async () => {
    const r = await cli('import', nested, '--name', 'nested-default');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/labels from subfolders \(the default\): 2 labels — a 2, b 2/);
    expect(await labelsOf('nested-default')).toBe('2');
  });

  it('takes a pattern whose first group is the label', async () => {
    const r = await cli('import', flat, '--labels-from', 'name', '--label-pattern', '_(\\d)\\.png$', '--name', 'by-view');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/labels from file names: 3 labels — 1 3, 2 3, 3 3/);
    expect(await labelsOf('by-view')).toBe('3');
  });

  it('imports without labels when told none', async () => {
    const r = await cli('import', nested, '--labels-from', 'none', '--name', 'unlabelled');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/labels: none; 4 images/);
    expect(await labelsOf('unlabelled')).toBe('0');
  });

  it('refuses a bad pattern, a pattern with subfolders, an unknown source and labels for MNIST, before importing', async () => {
    const before = (await cli('datasets')).out;
    const bad = await cli('import', flat, '--label-pattern', '(unclosed');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/Label pattern: \/\(unclosed\/: /);
    const mixed = await cli('import', flat, '--labels-from', 'subfolders', '--label-pattern', '^(\\w+)_');
    expect(mixed.err).toMatch(/--label-pattern reads labels from the file names: it goes with --labels-from name, not subfolders/);
    const unknown = await cli('import', flat, '--labels-from', 'folders');
    expect(unknown.err).toMatch(/--labels-from: "folders" is not one of subfolders, name, none/);
    const mnist = await cli('import', 'mnist', '--labels-from', 'name');
    expect(mnist.err).toMatch(/--labels-from and --label-pattern are for an image folder/);
    expect((await cli('datasets')).out).toBe(before);
  });
});
