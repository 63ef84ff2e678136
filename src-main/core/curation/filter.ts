// QueryFilter → an SQL condition over `queries q`. Signal comparisons hit the indexed sig_*
// columns; passage-side criteria (split, document, full-text search) are subqueries so the
// common case (signals and status only) never joins passages.
import type { Condition, QueryFilter, SignalName } from '../../../shared/services/curation.js';
import { ftsQuery } from '../corpus/corpus-queries.js';

/** Column of each signal on `queries`. */
export const SIGNAL_COLUMNS: Record<SignalName, string> = {
  tokens: 'sig_tokens',
  words: 'sig_words',
  overlap: 'sig_overlap',
  copyRatio: 'sig_copy',
  dupPassage: 'sig_dup_passage',
  dupCorpus: 'sig_dup_corpus',
  nearDup: 'sig_near_dup',
  nearDupCorpus: 'sig_near_dup_corpus',
  degenerate: 'sig_degenerate',
  roundtripRank: 'sig_roundtrip',
  relevance: 'sig_relevance',
};

export interface SqlWhere {
  /** A boolean SQL expression over alias `q` (never empty: "1" matches everything). */
  sql: string;
  args: unknown[];
}

function conditionSql(c: Condition): string {
  // The op comes from a closed enum (validated by zod), so it is safe to splice in.
  return `q.${SIGNAL_COLUMNS[c.signal]} ${c.op === '=' ? '=' : c.op} ?`;
}

/** "copyRatio > 0.8" – how rules and reasons name a condition. */
export function describeCondition(c: Condition): string {
  return `${c.signal} ${c.op} ${c.value}`;
}

export function describeFilter(f: QueryFilter): string {
  const parts: string[] = [];
  if (f.conditions.length) parts.push(f.conditions.map(describeCondition).join(f.match === 'all' ? ' and ' : ' or '));
  if (f.status?.length) parts.push(`status in ${f.status.join('/')}`);
  if (f.search) parts.push(`search "${f.search}"`);
  if (f.split) parts.push(`${f.split} split`);
  if (f.documentId !== undefined) parts.push(`document ${f.documentId}`);
  if (f.passageId !== undefined) parts.push(`passage ${f.passageId}`);
  if (f.queryIds) parts.push(f.queryIds.length === 1 ? `query ${f.queryIds[0]}` : `${f.queryIds.length} selected`);
  return parts.join(', ') || 'all queries';
}

export function filterWhere(f: QueryFilter): SqlWhere {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.conditions.length) {
    where.push(`(${f.conditions.map(conditionSql).join(f.match === 'all' ? ' AND ' : ' OR ')})`);
    args.push(...f.conditions.map((c) => c.value));
  }
  if (f.status?.length) {
    where.push(`q.status IN (${f.status.map(() => '?').join(', ')})`);
    args.push(...f.status);
  }
  if (f.origin?.length) {
    where.push(`q.origin IN (${f.origin.map(() => '?').join(', ')})`);
    args.push(...f.origin);
  }
  if (f.passageId !== undefined) where.push('q.passage_id = ?'), args.push(f.passageId);
  if (f.documentId !== undefined) where.push('q.passage_id IN (SELECT id FROM passages WHERE document_id = ?)'), args.push(f.documentId);
  if (f.split) where.push('q.passage_id IN (SELECT id FROM passages WHERE split = ?)'), args.push(f.split);
  if (f.queryIds) where.push('q.id IN (SELECT value FROM json_each(?))'), args.push(JSON.stringify(f.queryIds));
  if (f.search) {
    const like = `%${f.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    const fts = ftsQuery(f.search);
    if (fts) {
      where.push("(q.text LIKE ? ESCAPE '\\' OR q.passage_id IN (SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?))");
      args.push(like, fts);
    } else {
      where.push("q.text LIKE ? ESCAPE '\\'");
      args.push(like);
    }
  }
  return { sql: where.length ? where.join(' AND ') : '1', args };
}
