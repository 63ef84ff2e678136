// .pdf: text per page through unpdf (pdf.js). Pages are separate sections, so no passage spans
// a page break and every passage's title says which page it came from.
import { extractText, getDocumentProxy } from 'unpdf';
import { readAllBytes } from '../decode.js';
import { ImportFileError } from '../errors.js';
import type { Section } from '../chunk.js';
import { normaliseNewlines, titleFromPath } from './text-utils.js';
import type { FormatItem, FormatInput } from './types.js';

export async function* readPdf(input: FormatInput): AsyncGenerator<FormatItem> {
  const bytes = await readAllBytes(input.path, input.gzip, input.limits, input.counter);
  let pages: string[];
  let info: Record<string, unknown> = {};
  try {
    const pdf = await getDocumentProxy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    info = ((await pdf.getMetadata().catch(() => null))?.info ?? {}) as Record<string, unknown>;
    pages = (await extractText(pdf, { mergePages: false })).text;
  } catch (e) {
    throw new ImportFileError(input.path, `is not a readable PDF (${(e as Error).message})`);
  }
  input.onEncoding('pdf');
  const title = (typeof info.Title === 'string' && info.Title.trim()) || titleFromPath(input.path);
  let text = '';
  const sections: Section[] = [];
  pages.forEach((raw, i) => {
    const page = normaliseNewlines(raw).trim();
    if (!page) return;
    if (text) text += '\n\n';
    sections.push({ start: text.length, end: text.length + page.length, title: `${title}, page ${i + 1}` });
    text += page;
  });
  if (text) yield { doc: { text, title, sections } };
}
