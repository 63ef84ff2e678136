// The Workers panel's rate and ETA from polled passage counts: a window of recent samples.
import { describe, expect, it } from 'vitest';
import { addSample, etaSeconds, sampleRate, type RateSample } from '../../../src-renderer/components/workers/stage-rate.js';

describe('stage rate', () => {
  it('rates over the recent window, ETA from what is left', () => {
    let s: RateSample[] = [];
    expect(sampleRate(s)).toBeNull();
    s = addSample(s, { at: 0, done: 0 });
    expect(sampleRate(s)).toBeNull();
    s = addSample(s, { at: 10_000, done: 100 });
    expect(sampleRate(s)).toBe(10);
    // 40 s later the first sample falls out of the 30 s window: the rate is the recent one.
    s = addSample(s, { at: 40_000, done: 400 });
    s = addSample(s, { at: 50_000, done: 420 });
    expect(s.map((x) => x.at)).toEqual([40_000, 50_000]);
    expect(sampleRate(s)).toBe(2);
    expect(etaSeconds(2, 100)).toBe(50);
    expect(etaSeconds(null, 100)).toBeNull();
    expect(etaSeconds(0, 100)).toBeNull();
    expect(etaSeconds(null, 0)).toBe(0);
  });
});
