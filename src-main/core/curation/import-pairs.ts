// Re-import of (edited) pairs: TSV `query<TAB>passage` (an optional "query\tpassage" header) or
// JSONL {"query", "passage"} (also {"anchor", "positive"}, or {"query", "passageId"}). Each pair's
// passage is found by its normalised-text hash (the corpus stage's passages.text_hash), so
// whitespace changes from the TSV round trip do not matter; unknown passages are added under one
// document named after the file. A pair whose query already exists for that passage only gets
// its status set; bad lines are skipped and reported with their line number.
import { readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { QueryStatus } from '../../../shared/services/curation.js';
import { normaliseText, textHash } from '../corpus/dedupe.js';
import { normalizeQuery } from './signals.js';

export class ImportPairsError extends Error {
  override name = 'ImportPairsError';
}

export interface ImportPairsReport {
  imported: number;
  existing: number;
  newPassages: number;
  /** First 100 bad lines (1-based line numbers). */
  errors: Array<{ line: number; message: string }>;
  errorCount: number;
}

interface ParsedPair {
  line: number;
  query: string;
  passage?: string;
  passageId?: number;
}

const MAX_LISTED_ERRORS = 100;

function parseJsonLine(text: string, line: number): ParsedPair {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ImportPairsError(`not valid JSON (${(e as Error).message})`);
  }
  if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') return { line, query: v[0], passage: v[1] };
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ImportPairsError('expected an object {"query", "passage"}');
  const o = v as Record<string, unknown>;
  const query = o.query ?? o.anchor;
  const passage = o.passage ?? o.positive;
  if (typeof query !== 'string') throw new ImportPairsError('missing string field "query"');
  if (typeof passage === 'string') return { line, query, passage };
  if (typeof o.passageId === 'number' && Number.isInteger(o.passageId)) return { line, query, passageId: o.passageId };
  throw new ImportPairsError('missing string field "passage" (or an integer "passageId")');
}

function parseTsvLine(text: string, line: number): ParsedPair | null {
  const tab = text.indexOf('\t');
  if (tab < 0) throw new ImportPairsError('expected "query<TAB>passage" (no tab found)');
  const query = text.slice(0, tab);
  const passage = text.slice(tab + 1);
  if (line === 1 && query.trim().toLowerCase() === 'query' && passage.trim().toLowerCase() === 'passage') return null;
  return { line, query, passage };
}

export function importPairs(db: Database.Database, file: string, opts: { format?: 'tsv' | 'jsonl' | 'auto'; status?: QueryStatus } = {}): ImportPairsReport {
  const path = resolve(file);
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ImportPairsError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const ext = extname(path).toLowerCase();
  const format = opts.format && opts.format !== 'auto' ? opts.format : ext === '.tsv' ? 'tsv' : ext === '.jsonl' ? 'jsonl' : undefined;
  if (!format) throw new ImportPairsError(`${path}: cannot tell the format from the extension "${ext}"; use .tsv or .jsonl or name the format`);
  const status = opts.status ?? 'accepted';
  const report: ImportPairsReport = { imported: 0, existing: 0, newPassages: 0, errors: [], errorCount: 0 };
  const fail = (line: number, message: string) => {
    report.errorCount++;
    if (report.errors.length < MAX_LISTED_ERRORS) report.errors.push({ line, message: `${basename(path)}:${line}: ${message}` });
  };

  const byHash = db.prepare('SELECT id FROM passages WHERE text_hash = ? ORDER BY duplicate_of IS NOT NULL, id LIMIT 1');
  const byId = db.prepare('SELECT id FROM passages WHERE id = ?');
  const queriesOf = db.prepare('SELECT id, text FROM queries WHERE passage_id = ?');
  const setStatus = db.prepare("UPDATE queries SET status = ?, status_reason = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?");
  const insertQuery = db.prepare("INSERT INTO queries (passage_id, text, origin, status, status_reason) VALUES (?, ?, 'imported', ?, ?)");
  const reason = `imported from ${basename(path)}`;
  let documentId: number | null = null;
  const newPassage = (text: string): number => {
    documentId ??= Number(
      db.prepare("INSERT INTO documents (title, text, source_path, format) VALUES (?, '', ?, ?)").run(`Pairs imported from ${basename(path)}`, path, format).lastInsertRowid,
    );
    report.newPassages++;
    const normalised = normaliseText(text);
    return Number(
      db.prepare('INSERT INTO passages (document_id, ordinal, text, text_hash) VALUES (?, ?, ?, ?)').run(documentId, report.newPassages - 1, text, textHash(normalised)).lastInsertRowid,
    );
  };

  db.transaction(() => {
    content.split(/\r?\n/).forEach((raw, i) => {
      const line = i + 1;
      if (raw.trim() === '') return;
      let pair: ParsedPair | null;
      try {
        pair = format === 'tsv' ? parseTsvLine(raw, line) : parseJsonLine(raw, line);
      } catch (e) {
        fail(line, (e as Error).message);
        return;
      }
      if (!pair) return;
      const query = pair.query.trim();
      if (!query) return fail(line, 'the query is empty');
      let passageId: number;
      if (pair.passageId !== undefined) {
        if (!byId.get(pair.passageId)) return fail(line, `passage ${pair.passageId} does not exist in this project`);
        passageId = pair.passageId;
      } else {
        const passage = pair.passage!.trim();
        if (!passage) return fail(line, 'the passage is empty');
        const found = byHash.get(textHash(normaliseText(passage))) as { id: number } | undefined;
        passageId = found?.id ?? newPassage(passage);
      }
      const wanted = normalizeQuery(query);
      const same = (queriesOf.all(passageId) as Array<{ id: number; text: string }>).find((q) => normalizeQuery(q.text) === wanted);
      if (same) {
        setStatus.run(status, reason, same.id);
        report.existing++;
      } else {
        insertQuery.run(passageId, query, status, reason);
        report.imported++;
      }
    });
  })();
  return report;
}
