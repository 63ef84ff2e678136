import { describe, expect, it } from 'vitest';
import { hubRefLabel, parseHubRef, roleLabel } from '../../../src-renderer/components/models/hub/hub-ref.js';

describe('Hub model id in the download form', () => {
  it('splits OWNER/NAME[@REVISION], main by default', () => {
    expect(parseHubRef('  sentence-transformers/all-MiniLM-L6-v2 ')).toEqual({ ok: true, repo: 'sentence-transformers/all-MiniLM-L6-v2', revision: 'main' });
    expect(parseHubRef('BAAI/bge-small-en-v1.5@v2.0')).toEqual({ ok: true, repo: 'BAAI/bge-small-en-v1.5', revision: 'v2.0' });
    expect(parseHubRef('owner/name@refs/pr/3')).toEqual({ ok: true, repo: 'owner/name', revision: 'refs/pr/3' });
  });

  it('explains what is wrong with an id the API would refuse', () => {
    const fail = (text: string) => {
      const r = parseHubRef(text);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.message;
    };
    expect(fail('')).toMatch(/Enter a Hub model id/);
    expect(fail('bert-base-uncased')).toMatch(/OWNER\/NAME/);
    expect(fail('owner/name@')).toMatch(/nothing after @/);
    expect(fail('owner/na me')).toMatch(/OWNER\/NAME/);
    expect(fail('../etc/passwd')).toContain('../etc/passwd');
    expect(fail('owner/name@../../x')).toMatch(/revision/);
  });

  it('names downloads and roles', () => {
    expect(hubRefLabel('a/b', 'main')).toBe('a/b');
    expect(hubRefLabel('a/b', 'v1')).toBe('a/b@v1');
    expect(roleLabel('generator')).toBe('Query generator');
    expect(roleLabel('cross-encoder')).toBe('Cross-encoder');
  });
});
