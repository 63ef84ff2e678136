// .docx: mammoth converts the document to HTML (headings stay headings), then the HTML reader
// takes the visible text, so Word headings become passage titles like markdown ones.
import mammoth from 'mammoth';
import { readAllBytes } from '../decode.js';
import { ImportFileError } from '../errors.js';
import { htmlToDocument } from './html.js';
import { titleFromPath } from './text-utils.js';
import type { FormatItem, FormatInput } from './types.js';

export async function* readDocx(input: FormatInput): AsyncGenerator<FormatItem> {
  const buffer = await readAllBytes(input.path, input.gzip, input.limits, input.counter);
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer })).value;
  } catch (e) {
    throw new ImportFileError(input.path, `is not a readable .docx (${(e as Error).message})`);
  }
  input.onEncoding('docx');
  const doc = htmlToDocument(html, titleFromPath(input.path));
  if (doc) yield { doc: { ...doc, title: titleFromPath(input.path) } };
}
