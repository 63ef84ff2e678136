import { describe, expect, it } from 'vitest';
import { formatEta, formatRate, withoutUploadFolder } from '../../src-renderer/format.js';

describe('progress formatting', () => {
  it('formats ETAs from seconds to hours and hides unknown ones', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(Number.NaN)).toBe('—');
    expect(formatEta(42.4)).toBe('42 s');
    expect(formatEta(187)).toBe('3:07');
    expect(formatEta(3900)).toBe('1 h 05 m');
  });

  it('formats rates with the unit and sensible precision', () => {
    expect(formatRate(null, 'steps')).toBe('—');
    expect(formatRate(1.234, 'steps')).toBe('1.23 steps/s');
    expect(formatRate(19.87, 'passages')).toBe('19.9 passages/s');
    expect(formatRate(1234.5, 'tokens')).toBe('1235 tokens/s');
  });
});

describe('withoutUploadFolder', () => {
  it("shows a dropped file by what was dropped, not the server's upload folder", () => {
    expect(withoutUploadFolder('/srv/p/uploads/a1b2c3d4e5/notes/chapter_001.txt · 12 passages')).toBe('notes/chapter_001.txt · 12 passages');
    expect(withoutUploadFolder('/data/moby/chapter_001.txt · 3 passages')).toBe('/data/moby/chapter_001.txt · 3 passages');
  });
});
