// .md: marked's lexer gives the block structure; the text keeps headings on their own lines,
// and each heading starts a section whose passages carry the heading as their title.
import { marked, type Token, type Tokens } from 'marked';
import { decodeAll, readAllBytes } from '../decode.js';
import type { Section } from '../chunk.js';
import { normaliseNewlines, titleFromPath } from './text-utils.js';
import type { FormatItem, FormatInput, SourceDocument } from './types.js';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(?:amp|lt|gt|quot|#39|nbsp);/g, (e) => ENTITIES[e]);
}

/** Plain text of inline tokens: link text, image alt text, code spans; no markup. */
function inlineText(tokens: Token[] | undefined, fallback: string): string {
  if (!tokens) return decodeEntities(fallback);
  return tokens
    .map((t) => {
      switch (t.type) {
        case 'br':
          return '\n';
        case 'html':
          return '';
        case 'image':
          return (t as Tokens.Image).text;
        case 'codespan':
          return (t as Tokens.Codespan).text;
        default:
          return inlineText((t as { tokens?: Token[] }).tokens, (t as { text?: string }).text ?? '');
      }
    })
    .join('');
}

/** Plain text of a block token (paragraphs, lists, quotes, code, tables). */
function blockText(t: Token): string {
  switch (t.type) {
    case 'space':
    case 'hr':
    case 'def':
      return '';
    case 'html':
      return (t as Tokens.HTML).text.replace(/<[^>]*>/g, '').trim();
    case 'code':
      return (t as Tokens.Code).text;
    case 'list':
      return (t as Tokens.List).items.map((item) => item.tokens.map(blockText).filter(Boolean).join('\n')).join('\n');
    case 'blockquote':
      return (t as Tokens.Blockquote).tokens.map(blockText).filter(Boolean).join('\n\n');
    case 'table': {
      const table = t as Tokens.Table;
      const row = (cells: Tokens.TableCell[]) => cells.map((c) => inlineText(c.tokens, c.text)).join(' | ');
      return [row(table.header), ...table.rows.map(row)].join('\n');
    }
    default:
      return inlineText((t as { tokens?: Token[] }).tokens, (t as { text?: string }).text ?? '').trim();
  }
}

export function markdownToDocument(markdown: string, fallbackTitle: string): SourceDocument | null {
  const parts: string[] = [];
  let length = 0;
  const sections: Section[] = [];
  let current: Section = { start: 0, end: 0 };
  let docTitle: string | undefined;
  const append = (s: string) => {
    if (length) {
      parts.push('\n\n');
      length += 2;
    }
    parts.push(s);
    length += s.length;
  };
  for (const token of marked.lexer(markdown)) {
    if (token.type === 'heading') {
      const heading = inlineText(token.tokens, token.text).trim();
      current.end = length;
      if (current.end > current.start) sections.push(current);
      append(heading);
      docTitle ??= token.depth === 1 ? heading : undefined;
      current = { start: length, end: length, title: heading };
      continue;
    }
    const text = blockText(token);
    if (text) append(text);
  }
  current.end = length;
  if (current.end > current.start) sections.push(current);
  const text = parts.join('');
  if (!text.trim()) return null;
  return { text, title: docTitle ?? fallbackTitle, sections };
}

export async function* readMarkdown(input: FormatInput): AsyncGenerator<FormatItem> {
  const bytes = await readAllBytes(input.path, input.gzip, input.limits, input.counter);
  const decoded = await decodeAll(input.path, bytes, input.encoding);
  input.onEncoding(decoded.encoding);
  const doc = markdownToDocument(normaliseNewlines(decoded.text), titleFromPath(input.path));
  if (doc) yield { doc };
}
