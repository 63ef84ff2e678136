// (query, passage) pairs out of the project: every query nobody rejected (pending + accepted; curation
// is pruning), or accepted ones only:
//   tsv   query<TAB>passage per line (the sentence-transformers GenQ example's format)
//   jsonl {"query", "passage", "queryId", "passageId", "split", "status"} per line
//   beir  a folder with corpus.jsonl (every passage), queries.jsonl and qrels/test.tsv (each
//         exported query → its own passage, score 1), readable by BEIR and by our eval stage
// Rows are streamed from SQLite and written in blocks, so 300k pairs never sit in memory at once.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';

export type ExportFormat = 'tsv' | 'jsonl' | 'beir';
export type ExportSplit = 'train' | 'eval' | 'all';

export class ExportError extends Error {
  override name = 'ExportError';
}

interface PairRow {
  query_id: number;
  query: string;
  passage_id: number;
  title: string | null;
  passage: string;
  split: 'train' | 'eval';
  status: 'accepted' | 'pending';
}

/** Tabs and line breaks would break a TSV row; they become single spaces. */
export function tsvField(text: string): string {
  return text.replace(/[\t\r\n]+/g, ' ');
}

/** Writes lines through a block buffer to a file descriptor. */
class LineWriter {
  private readonly fd: number;
  private block: string[] = [];
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    try {
      this.fd = openSync(path, 'w');
    } catch (e) {
      throw new ExportError(`${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  line(text: string): void {
    this.block.push(text);
    if (this.block.length >= 2000) this.flush();
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
  private flush(): void {
    if (this.block.length) writeSync(this.fd, `${this.block.join('\n')}\n`);
    this.block = [];
  }
}

/** Which queries an export holds: every one nobody rejected (pending + accepted, the default) or accepted only. */
export type ExportStatuses = 'not-rejected' | 'accepted';

export interface ExportResult {
  path: string;
  pairs: number;
  files: string[];
  /** How many of the pairs were accepted and how many pending. */
  byStatus: { accepted: number; pending: number };
}

function selectedPairs(db: Database.Database, split: ExportSplit, statuses: ExportStatuses): Iterable<PairRow> {
  const splitClause = split === 'all' ? '' : 'AND p.split = ?';
  const statusClause = statuses === 'accepted' ? "q.status = 'accepted'" : "q.status != 'rejected'";
  const stmt = db.prepare(
    `SELECT q.id AS query_id, q.text AS query, q.status, p.id AS passage_id, p.title, p.text AS passage, p.split
     FROM queries q JOIN passages p ON p.id = q.passage_id
     WHERE ${statusClause} ${splitClause} ORDER BY p.id, q.id`,
  );
  return (split === 'all' ? stmt.iterate() : stmt.iterate(split)) as Iterable<PairRow>;
}

const counter = () => {
  const byStatus = { accepted: 0, pending: 0 };
  return { byStatus, add: (r: PairRow) => (r.status === 'accepted' ? byStatus.accepted++ : byStatus.pending++) };
};

export interface ExportOptions {
  /** Replace an existing file (or a non-empty BEIR folder); without it an existing target is refused. */
  overwrite?: boolean;
  /** What a relative `out` resolves against (the API passes the project folder); default: the working directory. */
  baseDir?: string;
  /** Which queries go in (default: every one nobody rejected). */
  status?: ExportStatuses;
}

/** Refuses to replace an existing export target unless asked to, before anything is written. */
function assertWritable(path: string, format: ExportFormat, overwrite: boolean): void {
  if (!existsSync(path)) return;
  const isDir = statSync(path).isDirectory();
  if (format !== 'beir' && isDir) throw new ExportError(`${path} is a folder; give a file path for a ${format} export`);
  if (format === 'beir' && !isDir) throw new ExportError(`${path} is a file; a BEIR export needs a folder path`);
  if (overwrite) return;
  if (format !== 'beir') throw new ExportError(`${path} already exists; choose another path or pass overwrite to replace it`);
  if (readdirSync(path).length > 0) throw new ExportError(`${path} is a folder that is not empty; choose another path or pass overwrite to replace its files`);
}

export function exportPairs(
  db: Database.Database,
  format: ExportFormat,
  out: string,
  split: ExportSplit = 'all',
  opts: ExportOptions = {},
): ExportResult {
  const path = opts.baseDir ? resolve(opts.baseDir, out) : resolve(out);
  assertWritable(path, format, opts.overwrite ?? false);
  const statuses = opts.status ?? 'not-rejected';
  if (format === 'beir') return exportBeir(db, path, split, statuses);
  const writer = new LineWriter(path);
  const count = counter();
  let pairs = 0;
  try {
    for (const r of selectedPairs(db, split, statuses)) {
      count.add(r);
      writer.line(
        format === 'tsv'
          ? `${tsvField(r.query)}\t${tsvField(r.passage)}`
          : JSON.stringify({ query: r.query, passage: r.passage, queryId: r.query_id, passageId: r.passage_id, split: r.split, status: r.status }),
      );
      pairs++;
    }
  } finally {
    writer.close();
  }
  return { path, pairs, files: [path], byStatus: count.byStatus };
}

function exportBeir(db: Database.Database, dir: string, split: ExportSplit, statuses: ExportStatuses): ExportResult {
  const corpus = new LineWriter(join(dir, 'corpus.jsonl'));
  const queries = new LineWriter(join(dir, 'queries.jsonl'));
  const qrels = new LineWriter(join(dir, 'qrels', 'test.tsv'));
  const count = counter();
  let pairs = 0;
  try {
    const passages = db.prepare('SELECT id, title, text FROM passages ORDER BY id').iterate() as Iterable<{ id: number; title: string | null; text: string }>;
    for (const p of passages) corpus.line(JSON.stringify({ _id: String(p.id), title: p.title ?? '', text: p.text }));
    qrels.line('query-id\tcorpus-id\tscore');
    for (const r of selectedPairs(db, split, statuses)) {
      count.add(r);
      queries.line(JSON.stringify({ _id: String(r.query_id), text: r.query }));
      qrels.line(`${r.query_id}\t${r.passage_id}\t1`);
      pairs++;
    }
  } finally {
    corpus.close();
    queries.close();
    qrels.close();
  }
  return { path: dir, pairs, files: [corpus.path, queries.path, qrels.path], byStatus: count.byStatus };
}
