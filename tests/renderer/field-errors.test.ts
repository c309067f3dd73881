// The Train form's errors in words, from the contract's own limits.
import { describe, expect, it } from 'vitest';
import { checkFields, fieldError, serverFieldErrors } from '../../src/renderer/src/lib/field-errors';

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

  it("turns the door's refusal into field errors", () => {
    const msg = 'runs:start: config.latent: Too small: expected number to be >=2; config.batch: Too big: expected number to be <=4096';
    expect(serverFieldErrors(msg, { latent: 1, batch: 5000 })).toEqual({
      latent: 'Latent size must be 2 or more',
      batch: 'Batch must be 4096 or less',
    });
    expect(serverFieldErrors('runs:start: config.activation: Invalid option', {})).toEqual({});
  });
});
