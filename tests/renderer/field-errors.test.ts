// The Train form's errors in words, from the contract's own limits.
import { describe, expect, it } from 'vitest';
import { checkFields, fieldError, hiddenError, inputBounds, serverFieldErrors } from '../../src/renderer/src/lib/field-errors';
import { TRAIN_LIMITS as L } from '../../src/shared/limits';

describe('field errors', () => {
  it('says what is wrong in words that start with the field', () => {
    expect(fieldError('latent', 1)).toBe('Latent size must be 2 or more');
    expect(fieldError('latent', 300)).toBe('Latent size must be 256 or less');
    expect(fieldError('latent', 2.5)).toBe('Latent size must be a whole number');
    expect(fieldError('lr', 0)).toBe('Learning rate must be more than 0');
    expect(fieldError('epochs', NaN)).toBe('Epochs must be a number');
    expect(fieldError('batch', 64)).toBeNull();
  });

  it('checks every field given and marks each invalid one', () => {
    expect(checkFields({ latent: 1, epochs: 0, batch: 64, lr: 2, limit: null })).toEqual({
      latent: 'Latent size must be 2 or more',
      epochs: 'Epochs must be 1 or more',
      lr: 'Learning rate must be 1 or less',
    });
  });

  it('checks the advanced fields against the same limits', () => {
    expect(fieldError('warmup', L.warmup.max + 1)).toBe(`Warm-up must be ${L.warmup.max} or less`);
    expect(fieldError('k', 0)).toBe(`Samples (k) must be ${L.k.min} or more`);
    expect(fieldError('latent3', 1)).toBe(`Size of z3 must be ${L.latent2.min} or more`);
    expect(fieldError('latent4', 2.5)).toBe('Size of z4 must be a whole number');
    expect(fieldError('noiseLevel', 1.5)).toBe(`Noise level must be ${L.noiseLevel.max} or less`);
    expect(inputBounds('warmup')).toEqual({ min: L.warmup.min, max: L.warmup.max });
    expect(inputBounds('limit')).toEqual({ min: L.limit.min, max: undefined });
  });

  it('reads the hidden sizes as written, a list of whole widths', () => {
    expect(hiddenError('')).toBeNull();
    expect(hiddenError('512, 256')).toBeNull();
    expect(hiddenError('400 200')).toBeNull();
    expect(hiddenError('128, wide')).toBe('Hidden sizes must be numbers, separated by commas');
    expect(hiddenError('128.5')).toBe('Hidden sizes must be whole numbers');
    expect(hiddenError(String(L.hiddenWidth.min - 1))).toBe(`Each hidden size must be ${L.hiddenWidth.min} or more`);
    expect(hiddenError(String(L.hiddenWidth.max + 1))).toBe(`Each hidden size must be ${L.hiddenWidth.max} or less`);
    expect(
      hiddenError(
        Array(L.hiddenLayers.max + 1)
          .fill('64')
          .join(','),
      ),
    ).toBe(`Hidden sizes: ${L.hiddenLayers.max} layers at most`);
    expect(checkFields({ hidden: '4' })).toEqual({ hidden: `Each hidden size must be ${L.hiddenWidth.min} or more` });
  });

  it("turns the door's refusal into field errors", () => {
    const msg = 'runs:start: config.latent: Too small: expected number to be >=2; config.batch: Too big: expected number to be <=4096';
    expect(serverFieldErrors(msg, { latent: 1, batch: 5000 })).toEqual({
      latent: 'Latent size must be 2 or more',
      batch: 'Batch must be 4096 or less',
    });
    expect(serverFieldErrors('runs:start: config.activation: Invalid option', {})).toEqual({});
    // nested paths: the noise's level, one hidden width
    expect(serverFieldErrors('runs:start: config.noise.level: Too big: expected number to be <=1', { noiseLevel: 2 })).toEqual({
      noiseLevel: `Noise level must be ${L.noiseLevel.max} or less`,
    });
    expect(serverFieldErrors('runs:start: config.hidden.0: Too small: expected number to be >=8', { hidden: '4' })).toEqual({
      hidden: `Each hidden size must be ${L.hiddenWidth.min} or more`,
    });
  });
});
