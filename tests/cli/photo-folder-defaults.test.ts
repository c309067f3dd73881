// A small folder of photographs, imported and trained as a person would with no flag but the
// dataset, must give a model that uses its code and reconstructs held-out photos at least as
// well as PCA with as many components (checked with `evaluate`, the app's own measure). The
// folder is made here as PNG files from the AT&T faces at 16 px, a size none of the other tests
// use, so the whole run (2,400 optimizer steps on the defaults) stays under a minute of CPU.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeNetpbm } from '../../src/main/core/data/netpbm';
import { withDataDir } from './harness';

const FACES = join(__dirname, '../../../shared/data/att-faces');
const SIDE = 16;
const { cli, dir } = withDataDir('ll-photos-');

/** The faces as a flat folder of 16 px PNG photographs (no subfolders: no labels). */
async function photoFolder(into: string): Promise<number> {
  mkdirSync(into);
  let n = 0;
  for (const person of readdirSync(FACES).filter((d) => /^s\d+$/.test(d))) {
    for (const file of readdirSync(join(FACES, person)).filter((f) => f.endsWith('.pgm'))) {
      const img = decodeNetpbm(readFileSync(join(FACES, person, file)));
      await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: img.channels } })
        .resize(SIDE, SIDE, { fit: 'fill' })
        .png()
        .toFile(join(into, `${person}-${file.replace(/\.pgm$/, '')}.png`));
      n++;
    }
  }
  return n;
}

describe('a small photo folder on the defaults', () => {
  it.skipIf(!existsSync(FACES))(
    'uses at least 8 of its latent dimensions and reconstructs at least as well as PCA (skipped when ../shared/data/att-faces is absent)',
    async () => {
      const folder = join(dir(), 'photos');
      expect(await photoFolder(folder)).toBe(400);
      const imp = await cli('import', folder, '--name', 'photos', '--side', String(SIDE));
      expect(imp.code).toBe(0);

      const train = await cli('train', '--dataset', 'photos', '--threads', '1');
      expect(train.err).toBe('');
      expect(train.code).toBe(0);
      expect(train.out).toMatch(/^defaults for "photos" \(grey, 16 px, 360 training images\): .*--likelihood gaussian/m);

      const ev = await cli('evaluate', '--run', 'last');
      expect(ev.code).toBe(0);
      const active = Number(/active units (\d+)/.exec(ev.out)?.[1]);
      const [vae, pca] = [...ev.out.matchAll(/PSNR ([\d.]+) dB/g)].map((m) => Number(m[1]));
      const latent = Number(/PCA baseline, (\d+) components/.exec(ev.out)?.[1]);
      console.log(`photos, 16 px, defaults: ${active} active units, PSNR ${vae} dB against PCA-${latent} ${pca} dB`);
      expect(active).toBeGreaterThanOrEqual(8);
      expect(vae!).toBeGreaterThanOrEqual(pca!);
    },
    600_000,
  );
});
