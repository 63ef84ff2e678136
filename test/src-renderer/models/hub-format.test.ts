import { describe, expect, it } from 'vitest';
import type { CachedModel } from '../../../shared/services/models.js';
import { downloadAmount, formatDownloadedAt, shortCommit, suggestionCost, usedDirs } from '../../../src-renderer/components/models/hub/hub-format.js';

const progress = (done: number, total: number | null) => ({ done, total, unit: 'bytes', rate: null, etaSeconds: null });

describe('Hub panel wording', () => {
  it('states what a suggested checkpoint costs', () => {
    expect(suggestionCost({ parameters: 22_700_000, approxBytes: 91_000_000 })).toBe('22.7 M parameters · ~86.8 MB');
    expect(suggestionCost({ parameters: 738_000_000, approxBytes: 2_950_000_000 })).toBe('738 M parameters · ~2.7 GB');
  });

  it('shows byte progress with a percentage once the total is known', () => {
    expect(downloadAmount({ state: 'running', progress: progress(512 * 1024, 2 * 1024 * 1024) })).toBe('512 KB of 2.0 MB (25%)');
    expect(downloadAmount({ state: 'done', progress: progress(2048, 2048) })).toBe('2.0 KB of 2.0 KB (100%)');
    expect(downloadAmount({ state: 'queued', progress: progress(0, null) })).toBe('waiting to start');
    expect(downloadAmount({ state: 'running', progress: progress(300, null) })).toBe('300 B');
  });

  it('formats commits and dates like the Hub and git', () => {
    expect(shortCommit('0123456789abcdef0123456789abcdef01234567')).toBe('0123456789ab');
    const d = new Date(2026, 0, 5, 14, 3);
    expect(formatDownloadedAt(d.toISOString())).toBe('2026-01-05 14:03');
    expect(formatDownloadedAt('not a date')).toBe('not a date');
  });

  it('marks the cached snapshots the project already points to', () => {
    const snap = (repo: string, dir: string): CachedModel => ({ repo, commit: 'c'.repeat(40), refs: ['main'], dir, files: 3, sizeOnDisk: 10, downloadedAt: '' });
    const cached = [snap('a/b', '/cache/models--a--b/snapshots/c1'), snap('c/d', '/cache/models--c--d/snapshots/c2')];
    expect([...usedDirs(cached, ['/cache/models--c--d/snapshots/c2/', '/elsewhere'])]).toEqual(['/cache/models--c--d/snapshots/c2']);
    expect(usedDirs(cached, []).size).toBe(0);
  });
});
