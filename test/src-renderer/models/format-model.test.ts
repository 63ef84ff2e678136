import { describe, expect, it } from 'vitest';
import { describeCosine, formatParameters, poolingLabel } from '../../../src-renderer/components/models/format-model.js';

describe('model facts wording', () => {
  it('formats parameter counts', () => {
    expect(formatParameters(337_536)).toBe('337.5 K');
    expect(formatParameters(22_713_216)).toBe('22.7 M');
    expect(formatParameters(109_482_240)).toBe('109 M');
    expect(formatParameters(1_100_000_000)).toBe('1.10 B');
    expect(formatParameters(4096)).toBe('4,096');
  });

  it('names pooling with normalization', () => {
    expect(poolingLabel({ pooling: 'mean', normalize: false })).toBe('mean');
    expect(poolingLabel({ pooling: 'cls', normalize: true })).toBe('cls + normalize');
    expect(poolingLabel({ pooling: 'mean_sqrt_len', normalize: false })).toBe('mean/√len');
  });

  it('reads a cosine in words', () => {
    expect(describeCosine(0.92)).toBe('very similar');
    expect(describeCosine(0.6)).toBe('related');
    expect(describeCosine(0.3)).toBe('loosely related');
    expect(describeCosine(-0.1)).toBe('unrelated');
  });
});
