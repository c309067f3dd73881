// The bounds of a training config were written twice, in the contract's schema and in the
// core's own checks (model and trainer), and disagreed; the HVAE's top latent size had two
// defaults. Each case here failed on that code: the door and the core now give one answer.
import { describe, expect, it } from 'vitest';
import { trainConfigSchema } from '../../src/shared/contract';
import { latent2Default } from '../../src/shared/limits';
import { normalizeModelConfig } from '../../src/main/core/model/vae.js';
import { validateTrainConfig } from '../../src/main/core/train/index.js';
import type { TrainConfig } from '../../src/main/core/types.js';

const defaults = trainConfigSchema.parse({}) as TrainConfig;
const door = (patch: object): boolean => trainConfigSchema.safeParse({ ...defaults, ...patch }).success;
const core = (patch: object): boolean => {
  try {
    validateTrainConfig({ ...defaults, ...patch });
    return true;
  } catch {
    return false;
  }
};

describe('train config limits', () => {
  it.each<[object, boolean]>([
    [{ epochs: 10_000 }, true],
    [{ epochs: 10_001 }, false],
    [{ batch: 4096 }, true],
    [{ batch: 4097 }, false],
    [{ lr: 1 }, true],
    [{ lr: 1.5 }, false],
    [{ latent: 2 }, true],
    [{ latent: 1 }, false],
    [{ latent: 256 }, true],
    [{ latent: 257 }, false],
    [{ model: 'hvae', latent2: 2 }, true],
    [{ model: 'hvae', latent2: 1 }, false],
    [{ model: 'hvae', latent2: 257 }, false],
    [{ hidden: [8, 4096] }, true],
    [{ hidden: [4] }, false],
    [{ hidden: [4097] }, false],
    [{ hidden: [64, 64, 64, 64, 64] }, false],
    [{ family: 'conv', hidden: [] }, false],
    [{ sigma: 10 }, true],
    [{ sigma: 11 }, false],
    [{ beta: 1000 }, true],
    [{ beta: 1001 }, false],
    [{ noise: { kind: 'gaussian', level: 1 } }, true],
    [{ noise: { kind: 'gaussian', level: 2 } }, false],
    [{ limit: 10 }, true],
    [{ limit: 5 }, false],
    [{ seed: -1 }, false],
    [{ warmup: 1000 }, true],
    [{ warmup: 1001 }, false],
  ])('%j: the schema and the core both say %s', (patch, allowed) => {
    expect(door(patch)).toBe(allowed);
    expect(core(patch)).toBe(allowed);
  });

  it('names the field and the range it must lie in', () => {
    expect(() => validateTrainConfig({ ...defaults, epochs: 10_001 })).toThrow(/epochs must be an integer 1\.\.10000, got 10001/);
    expect(() => validateTrainConfig({ ...defaults, lr: 2 })).toThrow(/lr must be a number in \(0, 1\], got 2/);
    expect(() => normalizeModelConfig({ ...defaults, latent: 1 })).toThrow(/latent must be an integer 2\.\.256, got 1/);
  });

  it('the HVAE top latent defaults to one size in runs:start and in the model', () => {
    // runs:start has filled in max(2, round(L / 2)); the model used max(1, ceil(L / 2))
    for (const latent of [2, 3, 4, 5, 20, 255, 256]) {
      const startsWith = Math.max(2, Math.round(latent / 2));
      expect(normalizeModelConfig({ ...defaults, model: 'hvae', latent }).latent2).toBe(startsWith);
      expect(latent2Default(latent)).toBe(startsWith);
    }
  });
});
