// .txt: the whole file is one document; its paragraphs and sentences are chunked. A short first
// line followed by a blank line (a chapter heading) becomes the title.
import { decodeAll, readAllBytes } from '../decode.js';
import { normaliseNewlines, titleFromPath } from './text-utils.js';
import type { FormatItem, FormatInput } from './types.js';

export function titleLine(text: string): string | undefined {
  const m = /^[ \t]*([^\n]{1,120}?)[ \t]*\n[ \t]*\n/.exec(text);
  return m ? m[1] : undefined;
}

export async function* readText(input: FormatInput): AsyncGenerator<FormatItem> {
  const bytes = await readAllBytes(input.path, input.gzip, input.limits, input.counter);
  const decoded = await decodeAll(input.path, bytes, input.encoding);
  input.onEncoding(decoded.encoding);
  const text = normaliseNewlines(decoded.text);
  if (!text.trim()) return;
  yield { doc: { text, title: titleLine(text) ?? titleFromPath(input.path) } };
}
