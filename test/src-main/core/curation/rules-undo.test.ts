import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ruleSchema, type RuleInput } from '../../../../shared/services/curation.js';
import { addQuery, editQuery, history, redo, setStatusWhere, undo } from '../../../../src-main/core/curation/actions.js';
import { filterWhere } from '../../../../src-main/core/curation/filter.js';
import { applyRule, parseRuleExpression, previewRule, resolveRule, saveRule, RuleError } from '../../../../src-main/core/curation/rules.js';
import { seed, statuses, tempCurationDb, type CurationDb } from './helpers.js';

let t: CurationDb;
beforeEach(() => {
  t = tempCurationDb();
  seed(t.db, [
    { text: 'Call me Ishmael. Some years ago I went to sea.', queries: ['call me ishmael', 'who is the narrator', 'when did he go to sea'] },
    { text: 'Captain Ahab hunts the white whale.', queries: ['captain ahab hunts the white whale', 'who hunts the whale', 'what does ahab want'] },
  ]);
  // Signals as the job would store them: copy ratio and relevance per query.
  const copy = [1, 0.2, 0.4, 1, 0.5, 0.1];
  const relevance = [0.9, 0.8, 0.1, 0.7, 0.6, 0.3];
  const set = t.db.prepare('UPDATE queries SET sig_copy = ?, sig_relevance = ? WHERE id = ?');
  copy.forEach((c, i) => set.run(c, relevance[i], i + 1));
});
afterEach(() => t.close());

const rule = (r: RuleInput) => ruleSchema.parse(r);

describe('rules', () => {
  it('previews then applies "reject copy ratio > 0.8", recording the rule in status_reason', () => {
    const r = rule({ type: 'filter', action: 'rejected', filter: { conditions: [{ signal: 'copyRatio', op: '>', value: 0.8 }] } });
    expect(previewRule(t.db, r)).toMatchObject({ matched: 2, changes: 2, byStatus: { total: 2, pending: 2 } });
    expect(statuses(t.db)).toEqual({ pending: 6 }); // preview changed nothing
    expect(applyRule(t.db, r, 'copies').changed).toBe(2);
    const rejected = t.db.prepare("SELECT id, status_reason FROM queries WHERE status = 'rejected' ORDER BY id").all();
    expect(rejected).toEqual([
      { id: 1, status_reason: 'rule: copies' },
      { id: 4, status_reason: 'rule: copies' },
    ]);
    expect(previewRule(t.db, r).changes).toBe(0);
  });

  it('keeps the top 70% by relevance per corpus and per passage', () => {
    const corpus = rule({ type: 'keepTop', signal: 'relevance', share: 0.7, scope: 'corpus' });
    expect(previewRule(t.db, corpus).changes).toBe(1); // ceil(0.7 · 6) = 5 kept
    applyRule(t.db, corpus);
    expect((t.db.prepare("SELECT id FROM queries WHERE status = 'rejected'").all() as Array<{ id: number }>).map((r) => r.id)).toEqual([3]);
    undo(t.db);
    const perPassage = rule({ type: 'keepTop', signal: 'relevance', share: 0.5, scope: 'passage' });
    applyRule(t.db, perPassage); // ceil(0.5 · 3) = 2 kept per passage → lowest of each rejected
    expect((t.db.prepare("SELECT id FROM queries WHERE status = 'rejected' ORDER BY id").all() as Array<{ id: number }>).map((r) => r.id)).toEqual([3, 6]);
  });

  it('parses rule expressions and resolves saved names', () => {
    expect(parseRuleExpression('reject copyRatio > 0.8 and words < 3')).toMatchObject({
      type: 'filter',
      action: 'rejected',
      filter: { match: 'all', conditions: [{ signal: 'copyRatio', op: '>', value: 0.8 }, { signal: 'words', op: '<', value: 3 }] },
    });
    expect(parseRuleExpression('roundtripRank > 10')).toMatchObject({ action: 'rejected', filter: { conditions: [{ signal: 'roundtripRank', op: '>', value: 10 }] } });
    expect(parseRuleExpression('keep top 70% by relevance per document')).toMatchObject({ type: 'keepTop', share: 0.7, scope: 'document', higherIsBetter: true });
    expect(() => parseRuleExpression('reject shininess > 3')).toThrow(RuleError);
    expect(() => parseRuleExpression('reject copyRatio > 0.8 and words < 3 or tokens > 9')).toThrow(/ambiguous/);
    saveRule(t.db, 'mine', parseRuleExpression('accept relevance >= 0.75'));
    expect(resolveRule(t.db, 'mine')).toMatchObject({ name: 'mine', rule: { action: 'accepted' } });
    expect(resolveRule(t.db, 'reject-copies').name).toBe('reject-copies');
  });
});

describe('undo / redo', () => {
  it('undoes and redoes a bulk rejection, an edit and an added query, persisted in the database', () => {
    setStatusWhere(t.db, { sql: `SELECT q.id FROM queries q WHERE ${filterWhere({ conditions: [], match: 'all', passageId: 1 }).sql}`, args: [1] }, 'accepted', 'manual', 'accept passage 1');
    const bulk = setStatusWhere(t.db, { sql: 'SELECT q.id FROM queries q', args: [] }, 'rejected', 'bulk', 'reject all');
    expect(bulk.changed).toBe(6);
    editQuery(t.db, 2, 'who tells the story');
    const added = addQuery(t.db, 2, 'why is the whale white', 'accepted');
    expect(statuses(t.db)).toEqual({ rejected: 6, accepted: 1 });

    expect(undo(t.db)?.label).toBe('add query to passage 2');
    expect(t.db.prepare('SELECT id FROM queries WHERE id = ?').get(added.id)).toBeUndefined();
    expect(undo(t.db)?.label).toBe('edit query 2');
    expect(t.db.prepare('SELECT text FROM queries WHERE id = 2').get()).toEqual({ text: 'who is the narrator' });
    expect(undo(t.db)?.rowCount).toBe(6);
    // Back to passage 1 accepted (with its reason) and passage 2 pending.
    expect(t.db.prepare('SELECT status, status_reason FROM queries ORDER BY id').all()).toEqual([
      ...Array(3).fill({ status: 'accepted', status_reason: 'manual' }),
      ...Array(3).fill({ status: 'pending', status_reason: null }),
    ]);

    expect(redo(t.db)?.label).toBe('reject all');
    expect(statuses(t.db)).toEqual({ rejected: 6 });
    expect(redo(t.db)?.label).toBe('edit query 2');
    expect(redo(t.db)?.label).toBe('add query to passage 2');
    expect(t.db.prepare('SELECT text, status FROM queries WHERE id = ?').get(added.id)).toEqual({ text: 'why is the whale white', status: 'accepted' });
    expect(redo(t.db)).toBeNull();

    // A new action after an undo discards the redo stack.
    undo(t.db);
    setStatusWhere(t.db, { sql: 'SELECT q.id FROM queries q WHERE q.id = 5', args: [] }, 'accepted', 'manual', 'accept 5');
    expect(redo(t.db)).toBeNull();
    expect(history(t.db).map((h) => h.label)).toEqual(['accept 5', 'edit query 2', 'reject all', 'accept passage 1']);
  });

  it('logs a bulk change compactly (one row per previous status and reason) and still undoes actions logged per query before schema v5', () => {
    setStatusWhere(t.db, { sql: 'SELECT q.id FROM queries q WHERE q.id <= 2', args: [] }, 'accepted', 'manual', 'accept 1-2');
    setStatusWhere(t.db, { sql: 'SELECT q.id FROM queries q', args: [] }, 'rejected', 'bulk', 'reject all');
    const groups = t.db.prepare('SELECT before_status, before_reason, query_ids FROM curation_action_groups WHERE action_id = 2 ORDER BY before_status').all() as Array<Record<string, string>>;
    expect(groups.map((g) => [g.before_status, g.before_reason, (JSON.parse(g.query_ids) as number[]).sort()])).toEqual([
      ['accepted', 'manual', [1, 2]],
      ['pending', null, [3, 4, 5, 6]],
    ]);
    expect(t.db.prepare('SELECT COUNT(*) FROM curation_action_rows').pluck().get()).toBe(0);

    // An action as schema v3/v4 logged it: one curation_action_rows row per query.
    t.db.prepare("INSERT INTO curation_actions (id, kind, label, payload, row_count) VALUES (3, 'status', 'legacy', ?, 2)").run(JSON.stringify({ status: 'pending', reason: 'old' }));
    t.db.prepare("INSERT INTO curation_action_rows (action_id, query_id, before_status, before_reason) VALUES (3, 5, 'rejected', 'bulk'), (3, 6, 'rejected', 'bulk')").run();
    t.db.prepare("UPDATE queries SET status = 'pending', status_reason = 'old' WHERE id IN (5, 6)").run();
    expect(undo(t.db)?.label).toBe('legacy');
    expect(statuses(t.db)).toEqual({ rejected: 6 });
    expect(redo(t.db)?.label).toBe('legacy');
    expect(t.db.prepare('SELECT status, status_reason FROM queries WHERE id IN (5, 6)').all()).toEqual(Array(2).fill({ status: 'pending', status_reason: 'old' }));
    undo(t.db);
    undo(t.db);
    expect(t.db.prepare('SELECT status, status_reason FROM queries ORDER BY id').all()).toEqual([
      ...Array(2).fill({ status: 'accepted', status_reason: 'manual' }),
      ...Array(4).fill({ status: 'pending', status_reason: null }),
    ]);
  });

  it('leaves the WAL autocheckpoint setting as it was (bulk commits defer the checkpoint to idle time)', () => {
    expect(t.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    setStatusWhere(t.db, { sql: 'SELECT q.id FROM queries q', args: [] }, 'rejected', 'bulk', 'reject all');
    undo(t.db);
    redo(t.db);
    expect(t.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    t.db.pragma('wal_autocheckpoint = 0'); // a caller that manages checkpoints keeps its setting
    undo(t.db);
    expect(t.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(statuses(t.db)).toEqual({ pending: 6 });
  });

  it('records nothing when a change matches no row that needs it', () => {
    expect(setStatusWhere(t.db, { sql: 'SELECT q.id FROM queries q WHERE q.id > 100', args: [] }, 'rejected', 'x', 'none')).toEqual({ changed: 0, actionId: null });
    expect(undo(t.db)).toBeNull();
  });
});
