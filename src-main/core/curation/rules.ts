// Rules: saved filter presets applied in bulk. A rule is either "set status X on what this filter
// matches" or doc2query--'s "keep the top share by a signal (per corpus/document/passage), reject
// the rest". Rules preview their effect as counts, and every status they set names the rule in
// status_reason. Rules can also be written as a short expression (the CLI's --apply-rule):
//   reject copyRatio > 0.8 and words < 3        accept relevance >= 0.9
//   keep top 70% by relevance per corpus        keep top 50% by roundtripRank per passage ascending
import type Database from 'better-sqlite3';
import {
  COMPARISONS,
  QUERY_STATUSES,
  SIGNAL_NAMES,
  ruleSchema,
  type Condition,
  type CurationCounts,
  type QueryStatus,
  type Rule,
  type RuleInput,
  type SignalName,
} from '../../../shared/services/curation.js';
import { setStatusWhere } from './actions.js';
import { describeFilter, filterWhere, SIGNAL_COLUMNS, type SqlWhere } from './filter.js';

export class RuleError extends Error {
  override name = 'RuleError';
}

/** Presets every project has (saved rules with the same name take precedence). */
export const BUILTIN_RULES: Record<string, RuleInput> = {
  'reject-copies': { type: 'filter', action: 'rejected', filter: { conditions: [{ signal: 'copyRatio', op: '>', value: 0.8 }] } },
  'reject-duplicates': {
    type: 'filter',
    action: 'rejected',
    filter: { match: 'any', conditions: [{ signal: 'dupPassage', op: '=', value: 1 }, { signal: 'nearDup', op: '>=', value: 0.8 }] },
  },
  // Earlier-wins: the first query of a near-duplicate family stays, later ones (other passages) go.
  'reject-corpus-near-duplicates': { type: 'filter', action: 'rejected', filter: { conditions: [{ signal: 'nearDupCorpus', op: '>', value: 0 }] } },
  'reject-degenerate': { type: 'filter', action: 'rejected', filter: { conditions: [{ signal: 'degenerate', op: '>', value: 0 }] } },
  'reject-roundtrip-miss': { type: 'filter', action: 'rejected', filter: { conditions: [{ signal: 'roundtripRank', op: '>', value: 10 }] } },
  'keep-top-70-relevance': { type: 'keepTop', signal: 'relevance', share: 0.7, scope: 'corpus' },
  'accept-pending': { type: 'filter', action: 'accepted', filter: { status: ['pending'] } },
};

/** The queries a rule acts on, and the status it gives them. */
export function ruleTarget(rule: Rule): { select: SqlWhere; status: QueryStatus; matched: SqlWhere } {
  const where = filterWhere(rule.filter);
  if (rule.type === 'filter') {
    const select = { sql: `SELECT q.id FROM queries q WHERE ${where.sql}`, args: where.args };
    return { select, status: rule.action, matched: select };
  }
  const column = `q.${SIGNAL_COLUMNS[rule.signal]}`;
  const partition = rule.scope === 'corpus' ? '' : rule.scope === 'passage' ? 'PARTITION BY q.passage_id' : 'PARTITION BY p.document_id';
  const join = rule.scope === 'document' ? 'JOIN passages p ON p.id = q.passage_id' : '';
  const order = `${column} ${rule.higherIsBetter ? 'DESC' : 'ASC'}, q.id`;
  // Queries without the signal take no part (they are neither kept nor rejected by it).
  const ranked = `SELECT q.id AS id, ROW_NUMBER() OVER (${partition} ORDER BY ${order}) AS rn, COUNT(*) OVER (${partition}) AS n
    FROM queries q ${join} WHERE ${where.sql} AND ${column} IS NOT NULL`;
  // Keeps ceil(share · n) per scope: rank (0-based) below share · n.
  return {
    select: { sql: `SELECT id FROM (${ranked}) WHERE rn - 1 >= ? * n - 1e-9`, args: [...where.args, rule.share] },
    status: 'rejected',
    matched: { sql: `SELECT q.id FROM queries q WHERE ${where.sql} AND ${column} IS NOT NULL`, args: where.args },
  };
}

export function describeRule(rule: Rule): string {
  if (rule.type === 'filter') return `${rule.action === 'rejected' ? 'reject' : rule.action === 'accepted' ? 'accept' : 'reset'} ${describeFilter(rule.filter)}`;
  return `keep top ${Math.round(rule.share * 1000) / 10}% by ${rule.signal} per ${rule.scope}${rule.higherIsBetter ? '' : ' ascending'}`;
}

/** Which signal each signal needs computed, for the message when it is missing. */
const HOW_TO_COMPUTE: Partial<Record<SignalName, string>> = {
  roundtripRank: 'compute signals with a round-trip encoder',
  relevance: 'compute signals with a cross-encoder',
};

/** Signals the rule reads that no query has a value for (a rule over them would match nothing). */
export function uncomputedSignals(db: Database.Database, rule: Rule): SignalName[] {
  const used = new Set<SignalName>((rule.filter.conditions ?? []).map((c) => c.signal));
  if (rule.type === 'keepTop') used.add(rule.signal);
  const anyQuery = db.prepare('SELECT 1 FROM queries LIMIT 1').get();
  if (!anyQuery) return [];
  return [...used].filter((s) => !db.prepare(`SELECT 1 FROM queries WHERE ${SIGNAL_COLUMNS[s]} IS NOT NULL LIMIT 1`).get());
}

export function missingSignalsMessage(rule: Rule, missing: SignalName[]): string {
  const how = [...new Set(missing.map((s) => HOW_TO_COMPUTE[s] ?? 'compute signals'))].join('; ');
  return `rule "${describeRule(rule)}" needs ${missing.join(', ')}, which no query has yet: ${how} first`;
}

export function previewRule(db: Database.Database, rule: Rule): { matched: number; changes: number; byStatus: CurationCounts; missingSignals: SignalName[] } {
  const missingSignals = uncomputedSignals(db, rule);
  const { select, status, matched } = ruleTarget(rule);
  const byStatus = db
    .prepare(
      `SELECT COUNT(*) AS total, COALESCE(SUM(status = 'pending'), 0) AS pending, COALESCE(SUM(status = 'accepted'), 0) AS accepted, COALESCE(SUM(status = 'rejected'), 0) AS rejected
       FROM queries WHERE id IN (${select.sql})`,
    )
    .get(...select.args) as CurationCounts;
  const matchedCount = (db.prepare(`SELECT COUNT(*) AS n FROM (${matched.sql})`).get(...matched.args) as { n: number }).n;
  return { matched: matchedCount, changes: byStatus.total - byStatus[status], byStatus, missingSignals };
}

/** Applies a rule as one undoable action; status_reason becomes "rule: <name or description>". */
export function applyRule(db: Database.Database, rule: Rule, name?: string): { changed: number; actionId: number | null } {
  const missing = uncomputedSignals(db, rule);
  if (missing.length) throw new RuleError(missingSignalsMessage(rule, missing));
  const { select, status } = ruleTarget(rule);
  const label = name ? `rule ${name}` : describeRule(rule);
  return setStatusWhere(db, select, status, `rule: ${name ?? describeRule(rule)}`, label);
}

// ---- saved rules ----

export function listRules(db: Database.Database): Array<{ name: string; rule: Rule; builtin: boolean }> {
  const saved = (db.prepare('SELECT name, rule FROM curation_rules ORDER BY name').all() as Array<{ name: string; rule: string }>).map((r) => ({
    name: r.name,
    rule: ruleSchema.parse(JSON.parse(r.rule)),
    builtin: false,
  }));
  const names = new Set(saved.map((r) => r.name));
  const builtins = Object.entries(BUILTIN_RULES)
    .filter(([name]) => !names.has(name))
    .map(([name, rule]) => ({ name, rule: ruleSchema.parse(rule), builtin: true }));
  return [...saved, ...builtins];
}

export function saveRule(db: Database.Database, name: string, rule: Rule): void {
  db.prepare('INSERT INTO curation_rules (name, rule) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET rule = excluded.rule').run(name, JSON.stringify(rule));
}

export function deleteRule(db: Database.Database, name: string): boolean {
  return db.prepare('DELETE FROM curation_rules WHERE name = ?').run(name).changes > 0;
}

/** A saved or built-in rule by name, else the text parsed as an expression. */
export function resolveRule(db: Database.Database, nameOrExpr: string): { rule: Rule; name?: string } {
  const named = listRules(db).find((r) => r.name === nameOrExpr.trim());
  if (named) return { rule: named.rule, name: named.name };
  return { rule: parseRuleExpression(nameOrExpr) };
}

// ---- expressions ----

const ACTIONS: Record<string, QueryStatus> = { reject: 'rejected', accept: 'accepted', reset: 'pending', pending: 'pending' };

function signalName(word: string, expr: string): SignalName {
  const found = SIGNAL_NAMES.find((s) => s.toLowerCase() === word.toLowerCase());
  if (!found) throw new RuleError(`rule "${expr}": unknown signal "${word}" (known: ${SIGNAL_NAMES.join(', ')})`);
  return found;
}

export function parseRuleExpression(expr: string): Rule {
  const text = expr.trim();
  const keep = /^keep\s+top\s+(\d+(?:\.\d+)?)\s*%\s+by\s+(\w+)(?:\s+per\s+(corpus|document|passage))?(\s+ascending)?$/i.exec(text);
  if (keep) {
    const share = Number(keep[1]) / 100;
    if (share > 1) throw new RuleError(`rule "${expr}": a share above 100% keeps everything`);
    return ruleSchema.parse({ type: 'keepTop', share, signal: signalName(keep[2], expr), scope: (keep[3]?.toLowerCase() ?? 'corpus') as 'corpus', higherIsBetter: !keep[4] });
  }
  const head = /^(reject|accept|reset|pending)\s+(.+)$/i.exec(text);
  const action = head ? ACTIONS[head[1].toLowerCase()] : 'rejected';
  const body = head ? head[2] : text;
  const joiners = body.match(/\s(and|or)\s/gi)?.map((j) => j.trim().toLowerCase()) ?? [];
  if (new Set(joiners).size > 1) throw new RuleError(`rule "${expr}": mixing "and" with "or" is ambiguous; use one of them`);
  const ops = [...COMPARISONS].sort((a, b) => b.length - a.length).map((o) => o.replace(/[<>=!]/g, (c) => `\\${c}`));
  const conditionPattern = new RegExp(`^(\\w+)\\s*(${ops.join('|')}|==)\\s*(-?\\d+(?:\\.\\d+)?(?:e-?\\d+)?)$`, 'i');
  const conditions: Condition[] = body.split(/\s(?:and|or)\s/i).map((part) => {
    const m = conditionPattern.exec(part.trim());
    if (!m) throw new RuleError(`rule "${expr}": cannot read "${part.trim()}" (expected SIGNAL OP NUMBER, e.g. copyRatio > 0.8, or "keep top 70% by relevance per corpus")`);
    return { signal: signalName(m[1], expr), op: (m[2] === '==' ? '=' : m[2]) as Condition['op'], value: Number(m[3]) };
  });
  if (!QUERY_STATUSES.includes(action)) throw new RuleError(`rule "${expr}": unknown action`);
  return ruleSchema.parse({ type: 'filter', action, filter: { conditions, match: joiners[0] === 'or' ? 'any' : 'all' } });
}
