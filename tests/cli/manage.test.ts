// The app's sidebar and Runs table do more than train: rename, relabel and delete datasets and
// runs, find a run's worst-explained test images, and say what computes here. The CLI does the
// same, and a delete asks first, as the app does. Real PNG files, a real (tiny) training.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { withDataDir } from './harness';

const { cli, dir } = withDataDir('ll-cli-manage-');

beforeAll(async () => {
  const folder = join(dir(), 'objects');
  mkdirSync(folder, { recursive: true });
  for (const [o, name] of ['cup', 'lamp'].entries())
    for (let v = 1; v <= 6; v++)
      await sharp(Buffer.alloc(8 * 8, 30 + o * 150 + v * 3), { raw: { width: 8, height: 8, channels: 1 } })
        .png()
        .toFile(join(folder, `${name}_${v}.png`));
  expect((await cli('import', folder, '--side', '8', '--test-share', '0.3')).code).toBe(0);
  const t = await cli(
    'train',
    '--dataset',
    '1',
    '--model',
    'vae',
    '--latent',
    '2',
    '--epochs',
    '1',
    '--hidden',
    '8',
    '--batch',
    '4',
    '--threads',
    '1',
  );
  expect(t.code).toBe(0);
});

describe('managing datasets and runs', () => {
  it('renames and relabels a dataset; without --names, relabel lists the labels in order', async () => {
    expect((await cli('rename-dataset', 'objects', 'my objects')).out).toBe('dataset 1 is now "my objects"');
    expect((await cli('relabel', '1')).err).toMatch(/dataset 1's labels, in order: cup \(6\), lamp \(6\)\. Give --names/);
    expect((await cli('relabel', '1', '--names', 'mug,lamp')).out).toBe('dataset 1 "my objects": 2 labels: mug, lamp');
  });

  it('renames a run, and lists its worst-explained test images', async () => {
    expect((await cli('rename-run', 'last', 'tiny')).out).toBe('run 1 is now "tiny"');
    const o = await cli('outliers', 'last', '--limit', '2');
    expect(o.code).toBe(0);
    expect(o.out).toMatch(/^index\s+nats\n\d+\s+\d+\.\d\d\n\d+\s+\d+\.\d\d$/);
  });

  it('says what computes here and why nothing faster does', async () => {
    const r = await cli('info');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^explore: {2}\S/m);
    expect(r.out).toMatch(/^training: \S/m);
  });

  it('deletes a run and a dataset only with --yes, saying what would go', async () => {
    const run = await cli('delete-run', 'last');
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/this deletes run 1 "tiny" \(vae on my objects\): add --yes/);
    const ds = await cli('delete-dataset', '1');
    expect(ds.err).toMatch(/this deletes dataset 1 "my objects" \(12 images\) and its 1 run\(s\): add --yes/);
    expect((await cli('runs')).out).toMatch(/tiny/);
    expect((await cli('delete-run', 'last', '--yes')).out).toBe('run 1 deleted');
    expect((await cli('delete-dataset', '1', '--yes')).out).toBe('dataset 1 deleted');
    expect((await cli('datasets')).out).toMatch(/no datasets yet/);
  });
});
