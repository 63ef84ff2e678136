import { describe, expect, it } from 'vitest';
import { prefixChanges, prefixesSavedNotice, prefixHint, prefixSource, showPrefix } from '../../../src-renderer/components/models/prefix-format.js';

describe('encoder prefixes on the Models page', () => {
  it('shows a prefix quoted so its trailing space is visible', () => {
    expect(showPrefix('query: ')).toBe('"query: "');
    expect(showPrefix('')).toBe('none');
  });

  it('says where the prefixes come from', () => {
    expect(prefixSource({ prefixes: { query: 'q: ', passage: '' }, prefixesFrom: 'project' })).toBe('set in this project');
    expect(prefixSource({ prefixes: { query: '', passage: '' }, prefixesFrom: 'project' })).toBe('set in this project');
    expect(prefixSource({ prefixes: { query: 'query: ', passage: 'passage: ' }, prefixesFrom: 'folder' })).toContain('config_sentence_transformers.json');
    expect(prefixSource({ prefixes: { query: '', passage: '' }, prefixesFrom: 'folder' })).toBe('none (the folder has no prompts)');
    expect(prefixSource({})).toBe('none (the folder has no prompts)');
  });

  it('sends only the sides that changed, verbatim (no trimming)', () => {
    const current = { query: 'query: ', passage: 'passage: ' };
    expect(prefixChanges(current, { ...current })).toBeNull();
    expect(prefixChanges(current, { query: 'query:  ', passage: 'passage: ' })).toEqual({ query: 'query:  ' });
    expect(prefixChanges(current, { query: 'query: ', passage: '' })).toEqual({ passage: '' });
    expect(prefixChanges({ query: '', passage: '' }, { query: 'a', passage: 'b' })).toEqual({ query: 'a', passage: 'b' });
  });

  it('hints at a colon with no space after it', () => {
    expect(prefixHint('query:')).toContain('no space');
    expect(prefixHint('query: ')).toBeNull();
    expect(prefixHint('')).toBeNull();
  });

  it('confirms a save or a reset and says the index is stale', () => {
    const saved = prefixesSavedNotice({ name: 'e5-small', prefixes: { query: 'query: ', passage: 'passage: ' }, prefixesFrom: 'project' });
    expect(saved).toBe('✓ Saved for e5-small: query prefix "query: ", passage prefix "passage: ". Its search index (if built) is now stale: rebuild it on the Search page.');
    expect(prefixesSavedNotice({ name: 'm', prefixes: { query: '', passage: '' }, prefixesFrom: 'folder' })).toMatch(/^✓ Reset to the folder’s prompts for m: query prefix none, passage prefix none\./);
  });
});
