// Training pairs from a file: .tsv (query<TAB>passage per line; an optional "query\tpassage"
// header) or .jsonl ({"query", "passage"} — also {"anchor", "positive"} or [query, passage]).
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Pair } from './batches.js';

export class PairsFileError extends Error {
  override name = 'PairsFileError';
}

function fromJson(v: unknown): Pair | null {
  if (Array.isArray(v) && v.length >= 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return { query: v[0], passage: v[1] };
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const query = o.query ?? o.anchor;
    const passage = o.passage ?? o.positive;
    if (typeof query === 'string' && typeof passage === 'string') return { query, passage };
  }
  return null;
}

export function readPairsFile(path: string): Pair[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PairsFileError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const ext = extname(path).toLowerCase();
  if (ext !== '.tsv' && ext !== '.jsonl') throw new PairsFileError(`${path}: expected a .tsv or .jsonl pairs file`);
  const pairs: Pair[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    if (ext === '.tsv') {
      const tab = line.indexOf('\t');
      if (tab < 0) throw new PairsFileError(`${path}:${i + 1}: expected "query<TAB>passage"`);
      const query = line.slice(0, tab);
      const passage = line.slice(tab + 1);
      if (i === 0 && query.toLowerCase() === 'query' && passage.toLowerCase() === 'passage') return; // header
      pairs.push({ query, passage });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      throw new PairsFileError(`${path}:${i + 1}: not valid JSON (${(e as Error).message})`);
    }
    const pair = fromJson(parsed);
    if (!pair) throw new PairsFileError(`${path}:${i + 1}: expected {"query", "passage"}, {"anchor", "positive"} or [query, passage]`);
    pairs.push(pair);
  });
  if (pairs.length < 2) throw new PairsFileError(`${path}: has ${pairs.length} pair(s); MNR training needs at least 2`);
  return pairs;
}
