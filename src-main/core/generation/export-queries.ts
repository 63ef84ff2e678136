// A generation run's queries as the files the tools around GenQ read: JSONL {"passage", "queries"}
// (one line per passage) or the sentence-transformers GenQ notebook's TSV `query<TAB>passage`.
import type Database from 'better-sqlite3';

export type QueryExportFormat = 'jsonl' | 'tsv';

/** Tabs and newlines inside a field would break a TSV line; they become spaces. */
export const tsvField = (s: string): string => s.replace(/[\t\r\n]+/g, ' ');

export function tsvLines(passage: string, queries: string[]): string[] {
  return queries.map((q) => `${tsvField(q)}\t${tsvField(passage)}`);
}

/** Lines of the export of run `runId` (passages in id order, queries in sequence order). */
export function* exportRun(db: Database.Database, runId: number, format: QueryExportFormat): Generator<string> {
  const rows = db
    .prepare('SELECT q.passage_id AS pid, q.text AS query, p.text AS passage FROM queries q JOIN passages p ON p.id = q.passage_id WHERE q.run_id = ? ORDER BY q.passage_id, q.seq')
    .iterate(runId) as IterableIterator<{ pid: number; query: string; passage: string }>;
  type Group = { pid: number; passage: string; queries: string[] };
  const lines = (g: Group): string[] => (format === 'tsv' ? tsvLines(g.passage, g.queries) : [JSON.stringify({ passage: g.passage, queries: g.queries })]);
  let current: Group | null = null as Group | null;
  for (const r of rows) {
    if (current === null || current.pid !== r.pid) {
      if (current) yield* lines(current);
      current = { pid: r.pid, passage: r.passage, queries: [] };
    }
    current.queries.push(r.query);
  }
  if (current) yield* lines(current);
}
