// .jsonl: streamed line by line (bounded memory for any file size). A malformed line or a
// record without the text field is a record error with its line number.
import { decodeStream, readBytes } from '../decode.js';
import { MissingFieldError } from '../errors.js';
import { getPath, isRecordError, recordToDocument, resolveFields, type ResolvedFields } from './fields.js';
import type { FormatItem, FormatInput } from './types.js';

/** Lines of a text stream, numbered from 1, without their line endings. */
export async function* lines(chunks: AsyncIterable<string>): AsyncGenerator<{ line: number; text: string }> {
  let rest = '';
  let line = 0;
  for await (const chunk of chunks) {
    const buf = rest + chunk;
    let pos = 0;
    for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n', pos)) {
      line++;
      const end = nl > pos && buf.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { line, text: buf.slice(pos, end) };
      pos = nl + 1;
    }
    rest = buf.slice(pos);
  }
  if (rest) yield { line: line + 1, text: rest.endsWith('\r') ? rest.slice(0, -1) : rest };
}

export async function* readJsonl(input: FormatInput): AsyncGenerator<FormatItem> {
  const decoded = await decodeStream(input.path, readBytes(input.path, input.gzip, input.limits, input.counter), input.encoding);
  input.onEncoding(decoded.encoding);
  let fields: ResolvedFields | undefined;
  for await (const { line, text } of lines(decoded.chunks)) {
    if (!text.trim()) continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (e) {
      yield { error: { line, message: `line ${line}: malformed JSON (${(e as Error).message})` } };
      continue;
    }
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      yield { error: { line, message: `line ${line}: expected a JSON object, found ${Array.isArray(record) ? 'an array' : typeof record}` } };
      continue;
    }
    if (!fields) {
      const resolved = resolveFields(Object.keys(record), input.fields);
      if (!resolved.text) {
        throw new MissingFieldError(input.path, `no text field found (fields: ${Object.keys(record).join(', ')}); choose one with fields.text`, line);
      }
      fields = resolved as ResolvedFields;
    }
    const obj = record;
    const doc = recordToDocument((name) => getPath(obj, name), fields, `line ${line}`, line, () => Object.keys(obj));
    yield isRecordError(doc) ? { error: doc } : { doc };
  }
}
