/** Which incomplete reasons mean the input was cut short (a batch failure to retry) and which are a result. */
import { describe, expect, it } from 'vitest';
import { inputLossOf, UNLIKE_TRAINING } from '../../src/verdict/incomplete-reasons.js';

describe('inputLossOf', () => {
  it('is undefined when the exam ended normally or only its images were unlike the training data', () => {
    expect(inputLossOf(undefined)).toBeUndefined();
    expect(inputLossOf(UNLIKE_TRAINING)).toBeUndefined();
  });

  it('keeps the loss when the input was cut short, alone or with the unlike-training reason', () => {
    expect(inputLossOf('the capture device disappeared')).toBe('the capture device disappeared');
    expect(inputLossOf(`stdin closed after 3 frames; ${UNLIKE_TRAINING}`)).toBe('stdin closed after 3 frames');
  });
});
