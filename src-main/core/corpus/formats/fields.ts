// Which JSON fields / CSV columns hold the text, id and title. Chosen by the user, or detected
// from the first record: BEIR's corpus.jsonl (_id, title, text) and common names otherwise.
import type { FieldChoice, RecordError, SourceDocument } from './types.js';

const TEXT_NAMES = ['text', 'contents', 'content', 'body', 'passage', 'document', 'abstract'];
const ID_NAMES = ['_id', 'id', 'docid', 'doc_id', 'pid'];
const TITLE_NAMES = ['title', 'name', 'heading'];

export interface ResolvedFields {
  text: string;
  id?: string;
  title?: string;
}

function findName(names: string[], candidates: string[]): string | undefined {
  const lower = new Map(names.map((n) => [n.toLowerCase(), n]));
  for (const c of candidates) if (lower.has(c)) return lower.get(c);
  return undefined;
}

/** Resolves the user's choice against the first record's names (undefined text = not found). */
export function resolveFields(names: string[], choice: FieldChoice): Partial<ResolvedFields> {
  return {
    text: choice.text ?? findName(names, TEXT_NAMES),
    id: choice.id ?? findName(names, ID_NAMES),
    title: choice.title ?? findName(names, TITLE_NAMES),
  };
}

/** Reads a dot path ("meta.title") from a JSON object. */
export function getPath(obj: unknown, path: string): unknown {
  if (obj && typeof obj === 'object' && path in obj) return (obj as Record<string, unknown>)[path];
  let value: unknown = obj;
  for (const key of path.split('.')) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** A record → document, or a record error naming what is missing. `where` is "line 3" / "record 3". */
export function recordToDocument(
  get: (name: string) => unknown,
  fields: ResolvedFields,
  where: string,
  line: number | undefined,
  available: () => string[],
): SourceDocument | RecordError {
  const raw = get(fields.text);
  if (raw === undefined || raw === null) {
    return { line, message: `${where}: no "${fields.text}" field (fields: ${available().join(', ') || 'none'}); choose the text field` };
  }
  let text = asString(raw);
  if (text === undefined) return { line, message: `${where}: field "${fields.text}" is not text (${Array.isArray(raw) ? 'array' : typeof raw})` };
  const title = fields.title ? asString(get(fields.title))?.trim() || undefined : undefined;
  // BEIR has records whose text is empty and whose content is in the title.
  if (!text.trim() && title) text = title;
  if (!text.trim()) return { line, message: `${where}: field "${fields.text}" is empty` };
  const externalId = fields.id ? asString(get(fields.id)) : undefined;
  return { text: text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text, title, externalId, line };
}

export function isRecordError(x: SourceDocument | RecordError): x is RecordError {
  return 'message' in x;
}
