// .csv / .tsv: RFC 4180 parsing by papaparse, streamed (pause/resume gives backpressure).
// The first row is the header; the text column is chosen or detected, and a missing column is
// a file error naming the columns that exist. Rows carry the line they start on.
import Papa from 'papaparse';
import { Readable } from 'node:stream';
import { decodeStream, readBytes } from '../decode.js';
import { MissingFieldError } from '../errors.js';
import { isRecordError, recordToDocument, resolveFields, type ResolvedFields } from './fields.js';
import type { FormatItem, FormatInput } from './types.js';

interface Row {
  cells: string[];
  errors: string[];
}

/** papaparse's callback stream as an async iterator of rows. */
async function* parseRows(source: Readable, delimiter: string): AsyncGenerator<Row> {
  const queue: Row[] = [];
  let finished = false;
  let failure: unknown;
  let wake: (() => void) | null = null;
  let parser: Papa.Parser | null = null;
  let paused = false;
  const notify = () => {
    wake?.();
    wake = null;
  };
  Papa.parse(source as unknown as File, {
    delimiter,
    header: false,
    skipEmptyLines: false,
    step(result: Papa.ParseStepResult<string[]>, p: Papa.Parser) {
      parser = p;
      queue.push({ cells: result.data, errors: result.errors.map((e) => e.message) });
      if (queue.length >= 512 && !paused) {
        paused = true;
        p.pause();
      }
      notify();
    },
    complete() {
      finished = true;
      notify();
    },
    error(err: Error) {
      failure = err;
      finished = true;
      notify();
    },
  });
  source.once('error', (err) => {
    failure = err;
    finished = true;
    notify();
  });
  for (;;) {
    if (queue.length) {
      yield queue.shift()!;
      if (paused && queue.length < 64) {
        paused = false;
        (parser as Papa.Parser | null)?.resume();
      }
      continue;
    }
    if (failure) throw failure;
    if (finished) return;
    await new Promise<void>((r) => (wake = r));
  }
}

function countNewlines(cells: string[]): number {
  let n = 0;
  for (const c of cells) for (let i = c.indexOf('\n'); i !== -1; i = c.indexOf('\n', i + 1)) n++;
  return n;
}

export function csvReader(delimiter: ',' | '\t') {
  return async function* readCsv(input: FormatInput): AsyncGenerator<FormatItem> {
    const decoded = await decodeStream(input.path, readBytes(input.path, input.gzip, input.limits, input.counter), input.encoding);
    input.onEncoding(decoded.encoding);
    const source = Readable.from(decoded.chunks, { objectMode: false, encoding: 'utf8' });
    let header: string[] | undefined;
    let fields: ResolvedFields | undefined;
    let index = new Map<string, number>();
    let line = 1;
    try {
      for await (const row of parseRows(source, delimiter)) {
        const start = line;
        line += 1 + countNewlines(row.cells);
        if (row.cells.length === 1 && row.cells[0] === '') continue; // blank line
        if (!header) {
          header = row.cells.map((c) => c.trim());
          const resolved = resolveFields(header, input.fields);
          const missing = [resolved.text ? undefined : 'text', ...[resolved.text, resolved.id, resolved.title].filter((n): n is string => !!n && !header!.includes(n))];
          if (missing.some(Boolean)) {
            const which = resolved.text && header.includes(resolved.text) ? missing.filter(Boolean).join(', ') : `text column${resolved.text ? ` "${resolved.text}"` : ''}`;
            throw new MissingFieldError(input.path, `missing ${which} (columns: ${header.join(', ')}); choose columns with fields.text/id/title`, start);
          }
          fields = resolved as ResolvedFields;
          index = new Map(header.map((name, i) => [name, i]));
          continue;
        }
        if (row.errors.length) {
          yield { error: { line: start, message: `line ${start}: ${row.errors[0]}` } };
          continue;
        }
        if (row.cells.length !== header.length) {
          yield { error: { line: start, message: `line ${start}: ${row.cells.length} fields, the header has ${header.length}` } };
          continue;
        }
        const cells = row.cells;
        const doc = recordToDocument((name) => cells[index.get(name) ?? -1], fields!, `line ${start}`, start, () => header!);
        yield isRecordError(doc) ? { error: doc } : { doc };
      }
    } finally {
      source.destroy();
    }
  };
}
