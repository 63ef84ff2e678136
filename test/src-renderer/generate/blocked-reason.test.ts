import { describe, expect, it } from 'vitest';
import { generateBlockedReason } from '../../../src-renderer/components/generate/blocked-reason.js';

const base = { hasGenerator: true, running: false, inScope: 0, corpusPassages: 40, scope: { kind: 'new' as const, skipDuplicates: true } };

describe('why Generate is disabled', () => {
  it('says what is missing and what to do', () => {
    expect(generateBlockedReason({ ...base, hasGenerator: false })).toMatch(/No query generator yet.*Models page/);
    expect(generateBlockedReason({ ...base, corpusPassages: 0 })).toMatch(/no passages: import documents/);
    expect(generateBlockedReason(base)).toMatch(/Every passage already has queries.*All passages/);
    expect(generateBlockedReason({ ...base, scope: { kind: 'filter', skipDuplicates: true } })).toMatch(/No passage matches this filter/);
  });

  it('says nothing when it can run or is running', () => {
    expect(generateBlockedReason({ ...base, inScope: 12 })).toBeNull();
    expect(generateBlockedReason({ ...base, running: true })).toBeNull();
  });
});
