// .json: an array of records, an object holding one such array ({"data": [...]}), or a single
// record. Parsed whole (JSON has no streaming boundary); use JSONL for very large collections.
import { decodeAll, readAllBytes } from '../decode.js';
import { MalformedRecordError, MissingFieldError } from '../errors.js';
import { getPath, isRecordError, recordToDocument, resolveFields, type ResolvedFields } from './fields.js';
import type { FormatItem, FormatInput } from './types.js';

function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function recordsOf(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') {
    const arrays = Object.values(value).filter(Array.isArray);
    if (arrays.length === 1) return arrays[0] as unknown[];
    return [value];
  }
  return null;
}

export async function* readJson(input: FormatInput): AsyncGenerator<FormatItem> {
  const bytes = await readAllBytes(input.path, input.gzip, input.limits, input.counter);
  const decoded = await decodeAll(input.path, bytes, input.encoding);
  input.onEncoding(decoded.encoding);
  let value: unknown;
  try {
    value = JSON.parse(decoded.text);
  } catch (e) {
    const message = (e as Error).message;
    const position = /position (\d+)/.exec(message);
    throw new MalformedRecordError(input.path, `malformed JSON (${message})`, position ? lineAt(decoded.text, Number(position[1])) : undefined);
  }
  const records = recordsOf(value);
  if (!records) throw new MalformedRecordError(input.path, `expected an array of objects, found ${typeof value}`);
  let fields: ResolvedFields | undefined;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    const where = `record ${i + 1}`;
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      yield { error: { message: `${where}: expected a JSON object` } };
      continue;
    }
    if (!fields) {
      const resolved = resolveFields(Object.keys(record), input.fields);
      if (!resolved.text) throw new MissingFieldError(input.path, `no text field found (fields: ${Object.keys(record).join(', ')}); choose one with fields.text`);
      fields = resolved as ResolvedFields;
    }
    const doc = recordToDocument((name) => getPath(record, name), fields, where, undefined, () => Object.keys(record));
    yield isRecordError(doc) ? { error: doc } : { doc };
  }
}
