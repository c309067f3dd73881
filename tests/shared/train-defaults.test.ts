// The defaults a dataset gets come from its pixels, side and size, in one function the Train
// form and the CLI share. MNIST keeps the reference model its published figures rest on; a small
// set of grey photographs (the faces) gets the Gaussian MLP with a warm-up.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultsFor, epochsForSteps, saferConfig, sigmaFor, statsOf } from '../../src/shared/train-defaults';
import { trainConfigSchema } from '../../src/shared/contract';
import { pixelKind } from '../../src/main/core/data/pixel-kind';
import { importFolder } from '../../src/main/core/data/folder';
import { mnistSubset } from '../train/mnist-subset';
import { TRAIN_DEFAULTS } from '../../src/shared/limits';

const FACES = '/work/shared/data/att-faces';

describe('defaultsFor', () => {
  it('keeps the reference MNIST model: MLP 400, 20 latents, Bernoulli, batch 128, 10 epochs, no warm-up, no flip', () => {
    const d = defaultsFor({ pixels: 'binary', side: 28, images: 60000 });
    expect(d).toMatchObject({
      family: 'mlp',
      hidden: [400],
      latent: 20,
      likelihood: 'bernoulli',
      batch: 128,
      epochs: 10,
      warmup: 0,
      flip: false,
    });
    expect([d.latent, d.batch, d.epochs, d.likelihood, d.family]).toEqual([
      TRAIN_DEFAULTS.latent,
      TRAIN_DEFAULTS.batch,
      TRAIN_DEFAULTS.epochs,
      TRAIN_DEFAULTS.likelihood,
      TRAIN_DEFAULTS.family,
    ]);
  });

  it('gives the faces a Gaussian MLP, ten latents, about 2,400 steps and a warm-up (a flip measured worse)', () => {
    const d = defaultsFor({ pixels: 'grey', side: 64, images: 360 });
    expect(d).toMatchObject({
      family: 'mlp',
      latent: 10,
      likelihood: 'gaussian',
      sigma: 0.5,
      batch: 32,
      steps: 2400,
      epochs: 200,
      warmup: 20,
      flip: false,
    });
    expect(d.why.flip).toMatch(/mirrored images cost/);
    expect(defaultsFor({ pixels: 'colour', side: 32, images: 50000 })).toMatchObject({
      likelihood: 'gaussian',
      batch: 128,
      latent: 20,
    });
  });

  it('gives the Gaussian decoder a spread that grows with the image side: side^2 / sigma^2 grows as the side, not the area', () => {
    expect([1, 16, 28, 32, 64, 128, 256, 1024].map(sigmaFor)).toEqual([0.1, 0.25, 0.331, 0.354, 0.5, 0.707, 1, 1]);
    expect(defaultsFor({ pixels: 'grey', side: 16, images: 400 }).sigma).toBe(0.25);
    expect(defaultsFor({ pixels: 'grey', side: 64, images: 400 }).why.likelihood).toMatch(
      /^Gaussian, spread 0\.5 \(the square root of the side \/ 16\)/,
    );
    expect(defaultsFor({ pixels: 'binary', side: 28, images: 60000 }).sigma).toBeUndefined();
  });

  it('turns steps into epochs at the batch, within the limits', () => {
    expect(epochsForSteps(2400, 360, 32)).toBe(200);
    expect(epochsForSteps(2400, 360, 64)).toBe(400);
    expect(epochsForSteps(10, 60000, 128)).toBe(1);
    expect(epochsForSteps(1e9, 10, 10)).toBe(10000);
  });

  it('judges a dataset imported before its pixels were measured by its kind', () => {
    const base = { width: 64, height: 64, trainCount: 360, channels: 1 as const };
    expect(statsOf({ ...base, kind: 'folder' }).pixels).toBe('grey');
    expect(statsOf({ ...base, kind: 'folder', channels: 3 }).pixels).toBe('colour');
    expect(statsOf({ ...base, kind: 'mnist' }).pixels).toBe('binary');
    expect(statsOf({ ...base, kind: 'folder', pixels: 'binary' }).pixels).toBe('binary');
  });
});

describe('saferConfig', () => {
  it('turns the conv Bernoulli faces run that collapsed into the MLP Gaussian with a warm-up', () => {
    const collapsed = trainConfigSchema.parse({ family: 'conv', latent: 16, likelihood: 'bernoulli', epochs: 15, batch: 32 });
    const { config, changes } = saferConfig(collapsed, { pixels: 'grey', side: 64, images: 360 });
    expect(config).toMatchObject({ family: 'mlp', hidden: [400], likelihood: 'gaussian', sigma: 0.5, warmup: 20, latent: 10, epochs: 80 });
    expect(changes.join('; ')).toMatch(
      /MLP 400 instead of conv; Gaussian decoder .*; KL warm-up over 20 epochs; latent 10 instead of 16; 80 epochs/,
    );
    // the result is a config the door accepts
    expect(trainConfigSchema.safeParse(config).success).toBe(true);
  });

  it('keeps MNIST binary and, with nothing else to change, doubles the warm-up', () => {
    const done = trainConfigSchema.parse({ warmup: 10, epochs: 100 });
    const { config, changes } = saferConfig(done, { pixels: 'binary', side: 28, images: 60000 });
    expect(config.likelihood).toBe('bernoulli');
    expect(config.warmup).toBe(20);
    expect(changes).toEqual(['KL warm-up over 20 epochs']);
  });
});

describe('pixelKind', () => {
  const image = (n: number, channels: 1 | 3, value: (i: number) => number) => ({
    n,
    height: 8,
    width: 8,
    channels,
    pixels: Uint8Array.from({ length: n * 64 * channels }, (_, i) => value(i)),
  });

  it('tells ink, grey levels and colour apart', () => {
    expect(pixelKind(image(10, 1, (i) => (i % 3 ? 0 : 255)))).toBe('binary');
    expect(pixelKind(image(10, 1, (i) => i % 256))).toBe('grey');
    expect(pixelKind(image(10, 3, (i) => (i % 3 === 0 ? 200 : 40)))).toBe('colour');
    // an RGB import of grey images is grey
    expect(pixelKind(image(10, 3, (i) => Math.floor(i / 3) % 256))).toBe('grey');
  });

  it('finds MNIST binary and the faces grey', async () => {
    expect(pixelKind(await mnistSubset(500, 0))).toBe('binary');
    if (!existsSync(FACES)) {
      console.log(`skipped the faces: ${FACES} is not here`);
      return;
    }
    const faces = await importFolder(FACES, {
      color: 'auto',
      side: 32,
      resize: 'fit',
      testShare: 0.1,
      seed: 1,
      labels: { from: 'subfolders' },
    });
    expect(pixelKind(faces.dataset)).toBe('grey');
  }, 60_000);
});
