// Reads a labeled retrieval dataset in BEIR's folder format:
//   corpus.jsonl        {"_id": "...", "title": "...", "text": "..."} per line
//   queries.jsonl       {"_id": "...", "text": "..."} per line
//   qrels/<split>.tsv   header row, then query-id <TAB> corpus-id <TAB> integer score
// As BEIR's GenericDataLoader does, only queries that appear in the split's qrels are kept, and
// qrels columns are taken by position after skipping the header. Unlike BEIR (which raises a bare
// KeyError, or silently keeps them), qrels naming unknown query or corpus ids are an error here,
// reported with file and line, because they make every metric quietly wrong.
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Papa from 'papaparse';
import type { Qrels } from './metrics.js';

export interface BeirDoc {
  id: string;
  title: string;
  text: string;
}

export interface BeirQuery {
  id: string;
  text: string;
}

export interface BeirDataset {
  dir: string;
  split: string;
  corpus: BeirDoc[];
  /** Queries judged in the split, in queries.jsonl order. */
  queries: BeirQuery[];
  qrels: Qrels;
}

export class BeirFormatError extends Error {
  override name = 'BeirFormatError';
}

/** The most unknown ids quoted in one error message. */
const MAX_IDS_IN_MESSAGE = 5;

function requireFile(path: string, what: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) throw new BeirFormatError(`BEIR folder: ${what} not found at ${path}`);
}

/** Parses a JSONL file line by line (memory stays proportional to the kept records). */
async function readJsonl<T>(path: string, toRecord: (value: unknown, where: string) => T): Promise<T[]> {
  const records: T[] = [];
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const where = `${path}:${lineNumber}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new BeirFormatError(`${where}: not valid JSON (${(error as Error).message})`);
    }
    records.push(toRecord(value, where));
  }
  return records;
}

function idOf(value: unknown, where: string): string {
  const record = value as Record<string, unknown> | null;
  const id = typeof record === 'object' && record !== null ? record._id : undefined;
  // BEIR ids are strings, but some datasets write them as JSON numbers.
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') {
    throw new BeirFormatError(`${where}: record has no "_id" (string or number)`);
  }
  return String(id);
}

function textField(value: unknown, field: string, where: string, required: boolean): string {
  const text = (value as Record<string, unknown>)[field];
  if (text === undefined || text === null) {
    if (required) throw new BeirFormatError(`${where}: record has no "${field}" field`);
    return '';
  }
  if (typeof text !== 'string') throw new BeirFormatError(`${where}: "${field}" is not a string`);
  return text;
}

function rejectDuplicates(records: Array<{ id: string }>, path: string): void {
  const seen = new Set<string>();
  for (const { id } of records) {
    if (seen.has(id)) throw new BeirFormatError(`${path}: duplicate _id "${id}"`);
    seen.add(id);
  }
}

async function readQrels(path: string, queryIds: Set<string>, docIds: Set<string>): Promise<Qrels> {
  const parsed = Papa.parse<string[]>(await readFile(path, 'utf8'), { delimiter: '\t', skipEmptyLines: true });
  if (parsed.errors.length > 0) {
    const first = parsed.errors[0];
    throw new BeirFormatError(`${path}:${(first.row ?? 0) + 1}: ${first.message}`);
  }
  // Null-prototype objects: ids such as "__proto__" or "constructor" must be plain keys.
  const qrels: Qrels = Object.create(null) as Qrels;
  const unknownQueries: string[] = [];
  const unknownDocs: string[] = [];
  // Row 0 is the header ("query-id corpus-id score"); BEIR skips it without reading it.
  parsed.data.slice(1).forEach((row, i) => {
    const where = `${path}:${i + 2}`;
    if (row.length < 3) throw new BeirFormatError(`${where}: expected 3 tab-separated columns, found ${row.length}`);
    const [queryId, docId, scoreText] = row.map((cell) => cell.trim());
    if (!/^-?\d+$/.test(scoreText)) throw new BeirFormatError(`${where}: score "${scoreText}" is not an integer`);
    if (!queryIds.has(queryId)) unknownQueries.push(`${queryId} (line ${i + 2})`);
    if (!docIds.has(docId)) unknownDocs.push(`${docId} (line ${i + 2})`);
    (qrels[queryId] ??= Object.create(null) as Record<string, number>)[docId] = Number(scoreText);
  });
  const quote = (ids: string[]) => ids.slice(0, MAX_IDS_IN_MESSAGE).join(', ') + (ids.length > MAX_IDS_IN_MESSAGE ? ', …' : '');
  if (unknownQueries.length > 0) {
    throw new BeirFormatError(`${path}: ${unknownQueries.length} qrels name query ids missing from queries.jsonl: ${quote(unknownQueries)}`);
  }
  if (unknownDocs.length > 0) {
    throw new BeirFormatError(`${path}: ${unknownDocs.length} qrels name corpus ids missing from corpus.jsonl: ${quote(unknownDocs)}`);
  }
  if (Object.keys(qrels).length === 0) throw new BeirFormatError(`${path}: no judgments`);
  return qrels;
}

/** Splits available in a BEIR folder (names of qrels/*.tsv). */
export function beirSplits(dir: string): string[] {
  const qrelsDir = join(dir, 'qrels');
  if (!existsSync(qrelsDir)) return [];
  return readdirSync(qrelsDir).filter((name) => name.endsWith('.tsv')).map((name) => name.slice(0, -4)).sort();
}

export async function readBeirFolder(dir: string, split = 'test'): Promise<BeirDataset> {
  if (!existsSync(dir)) throw new BeirFormatError(`BEIR folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new BeirFormatError(`${dir} is a file, not a BEIR folder (one holding corpus.jsonl, queries.jsonl and qrels/<split>.tsv)`);
  const corpusPath = join(dir, 'corpus.jsonl');
  const queriesPath = join(dir, 'queries.jsonl');
  const qrelsPath = join(dir, 'qrels', `${split}.tsv`);
  requireFile(corpusPath, 'corpus.jsonl');
  requireFile(queriesPath, 'queries.jsonl');
  if (!existsSync(qrelsPath)) {
    const available = beirSplits(dir);
    throw new BeirFormatError(
      `BEIR folder: qrels/${split}.tsv not found in ${dir}` + (available.length ? ` (available splits: ${available.join(', ')})` : ' (no qrels/*.tsv at all)'),
    );
  }

  const corpus = await readJsonl(corpusPath, (value, where) => ({
    id: idOf(value, where),
    title: textField(value, 'title', where, false),
    text: textField(value, 'text', where, true),
  }));
  if (corpus.length === 0) throw new BeirFormatError(`${corpusPath}: no documents`);
  rejectDuplicates(corpus, corpusPath);
  const allQueries = await readJsonl(queriesPath, (value, where) => ({ id: idOf(value, where), text: textField(value, 'text', where, true) }));
  rejectDuplicates(allQueries, queriesPath);

  const qrels = await readQrels(qrelsPath, new Set(allQueries.map((q) => q.id)), new Set(corpus.map((d) => d.id)));
  const queries = allQueries.filter((query) => query.id in qrels);
  return { dir, split, corpus, queries, qrels };
}
