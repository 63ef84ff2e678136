// .html: visible text only (htmlparser2; scripts, styles, templates and <head> skipped, entities
// decoded). Block elements become paragraph breaks; h1–h6 start titled sections like markdown.
import { Parser } from 'htmlparser2';
import { decodeAll, readAllBytes } from '../decode.js';
import type { Section } from '../chunk.js';
import { normaliseNewlines, titleFromPath } from './text-utils.js';
import type { FormatItem, FormatInput, SourceDocument } from './types.js';

const HIDDEN = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head', 'iframe', 'object', 'canvas', 'button', 'select']);
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'aside', 'header', 'footer', 'main', 'nav', 'blockquote', 'pre', 'table', 'ul', 'ol',
  'dl', 'dd', 'dt', 'figure', 'figcaption', 'form', 'fieldset', 'address', 'hr', 'body',
]);
const LINE = new Set(['br', 'li', 'tr']);
const HEADING = /^h[1-6]$/;

export function htmlToDocument(html: string, fallbackTitle: string): SourceDocument | null {
  let out = '';
  let hiddenDepth = 0;
  let preDepth = 0;
  let inTitle = false;
  let pageTitle = '';
  let firstH1: string | undefined;
  let headingStart = -1;
  const sections: Section[] = [];
  let current: Section = { start: 0, end: 0 };
  // Breaks are applied lazily so trailing and repeated breaks never pile up.
  let pendingBreak = '';
  const requestBreak = (b: string) => {
    if (out && b.length > pendingBreak.length) pendingBreak = b;
  };
  const flushBreak = () => {
    if (!pendingBreak) return;
    while (out.endsWith(' ')) out = out.slice(0, -1);
    out += pendingBreak;
    pendingBreak = '';
  };
  const write = (s: string) => {
    if (pendingBreak || !out || out.endsWith(' ') || out.endsWith('\n')) s = s.replace(/^ +/, '');
    if (!s) return;
    flushBreak();
    out += s;
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'title') inTitle = true;
        if (HIDDEN.has(name)) hiddenDepth++;
        if (name === 'pre') preDepth++;
        if (HEADING.test(name)) {
          requestBreak('\n\n');
          flushBreak();
          headingStart = out.length;
        } else if (BLOCK.has(name)) requestBreak('\n\n');
        else if (LINE.has(name)) requestBreak('\n');
      },
      ontext(text) {
        if (inTitle) pageTitle += text;
        if (hiddenDepth > 0) return;
        write(preDepth > 0 ? text : text.replace(/\s+/g, ' '));
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (HIDDEN.has(name)) hiddenDepth = Math.max(0, hiddenDepth - 1);
        if (name === 'pre') preDepth = Math.max(0, preDepth - 1);
        if (HEADING.test(name) && headingStart >= 0) {
          const heading = out.slice(headingStart).trim();
          current.end = headingStart;
          if (current.end > current.start) sections.push(current);
          if (name === 'h1') firstH1 ??= heading;
          current = { start: out.length, end: out.length, title: heading || undefined };
          headingStart = -1;
          requestBreak('\n\n');
        } else if (BLOCK.has(name)) requestBreak('\n\n');
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  const text = out.replace(/\s+$/, '');
  current.end = text.length;
  if (current.end > current.start) sections.push(current);
  if (!text.trim()) return null;
  const title = pageTitle.trim().replace(/\s+/g, ' ') || firstH1 || fallbackTitle;
  return { text, title, sections: sections.map((s) => ({ ...s, end: Math.min(s.end, text.length) })).filter((s) => s.end > s.start) };
}

export async function* readHtml(input: FormatInput): AsyncGenerator<FormatItem> {
  const bytes = await readAllBytes(input.path, input.gzip, input.limits, input.counter);
  const decoded = await decodeAll(input.path, bytes, input.encoding);
  input.onEncoding(decoded.encoding);
  const doc = htmlToDocument(normaliseNewlines(decoded.text), titleFromPath(input.path));
  if (doc) yield { doc };
}
