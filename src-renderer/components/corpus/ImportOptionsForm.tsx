// Import options with one-line explanations. Collapsed by default: the defaults suit most corpora.
import type { ReactNode } from 'react';
import { CORPUS_FORMATS, TEXT_ENCODINGS } from '../../../shared/services/corpus.js';
import { hasFields, type ImportFormState } from './import-options.js';

interface Props {
  value: ImportFormState;
  onChange: (next: ImportFormState) => void;
  problems: string[];
}

function Field({ id, label, hint, children }: { id: string; label: string; hint: string; children: ReactNode }) {
  return (
    <div className="opt">
      <label htmlFor={id}>{label}</label>
      {children}
      <div className="opt__hint" id={`${id}-hint`}>
        {hint}
      </div>
    </div>
  );
}

const num = (s: string, fallback: number) => (s.trim() === '' || Number.isNaN(Number(s)) ? fallback : Number(s));

export function ImportOptionsForm({ value, onChange, problems }: Props) {
  const set = <K extends keyof ImportFormState>(key: K, v: ImportFormState[K]) => onChange({ ...value, [key]: v });
  const chunk = <K extends keyof ImportFormState['chunking']>(key: K, v: ImportFormState['chunking'][K]) =>
    onChange({ ...value, chunking: { ...value.chunking, [key]: v } });
  const dedupe = <K extends keyof ImportFormState['dedupe']>(key: K, v: ImportFormState['dedupe'][K]) =>
    onChange({ ...value, dedupe: { ...value.dedupe, [key]: v } });
  const field = (key: 'text' | 'id' | 'title', v: string) => onChange({ ...value, fields: { ...value.fields, [key]: v } });

  return (
    <details className="import-options">
      <summary>Import options</summary>
      <div className="opt-grid">
        <Field id="opt-format" label="Format" hint="Auto reads the extension (also under .gz); force one when extensions lie.">
          <select id="opt-format" value={value.format} onChange={(e) => set('format', e.target.value as ImportFormState['format'])}>
            {['auto', ...CORPUS_FORMATS].map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </Field>
        <Field id="opt-encoding" label="Encoding" hint="Auto detects UTF-8 and UTF-16 by BOM; undecodable bytes are reported.">
          <select id="opt-encoding" value={value.encoding} onChange={(e) => set('encoding', e.target.value as ImportFormState['encoding'])}>
            {['auto', ...TEXT_ENCODINGS].map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </Field>
        {hasFields(value.format) && (
          <>
            <Field id="opt-text-field" label="Text field / column" hint="JSON field (dot paths allowed) or CSV column holding the text; blank: auto (text, BEIR).">
              <input id="opt-text-field" value={value.fields.text} placeholder="auto" onChange={(e) => field('text', e.target.value)} />
            </Field>
            <Field id="opt-id-field" label="Id field / column" hint="Optional: keeps your document ids (BEIR _id is found automatically).">
              <input id="opt-id-field" value={value.fields.id} placeholder="auto" onChange={(e) => field('id', e.target.value)} />
            </Field>
            <Field id="opt-title-field" label="Title field / column" hint="Optional: shown with each passage.">
              <input id="opt-title-field" value={value.fields.title} placeholder="auto" onChange={(e) => field('title', e.target.value)} />
            </Field>
          </>
        )}
        <Field id="opt-max-tokens" label="Passage budget (tokens)" hint="Sentences are packed into passages up to this many tokens (GenQ uses 300).">
          <input id="opt-max-tokens" type="number" min={8} max={8192} value={value.chunking.maxTokens} onChange={(e) => chunk('maxTokens', num(e.target.value, 300))} />
        </Field>
        <Field id="opt-overlap" label="Overlap (tokens)" hint="Tokens repeated from the end of the previous passage; 0 for none.">
          <input id="opt-overlap" type="number" min={0} value={value.chunking.overlapTokens} onChange={(e) => chunk('overlapTokens', num(e.target.value, 0))} />
        </Field>
        <Field id="opt-min-chars" label="Minimum length (characters)" hint="Shorter passages (page numbers, stray headings) are dropped.">
          <input id="opt-min-chars" type="number" min={0} value={value.chunking.minChars} onChange={(e) => chunk('minChars', num(e.target.value, 20))} />
        </Field>
        <Field id="opt-dedupe" label="Duplicates" hint="Exact: same normalised text. Near: MinHash estimate of word-shingle Jaccard.">
          <div className="opt__row">
            <label className="check">
              <input type="checkbox" checked={value.dedupe.exact} onChange={(e) => dedupe('exact', e.target.checked)} /> exact
            </label>
            <label className="check">
              <input type="checkbox" checked={value.dedupe.near} onChange={(e) => dedupe('near', e.target.checked)} /> near
            </label>
            <select id="opt-dedupe" aria-label="Duplicate action" value={value.dedupe.action} onChange={(e) => dedupe('action', e.target.value as 'drop' | 'keep')}>
              <option value="keep">keep, marked</option>
              <option value="drop">drop</option>
            </select>
          </div>
        </Field>
        <Field id="opt-threshold" label="Near-duplicate threshold" hint="Jaccard similarity (0.5–1) at or above which passages count as near-duplicates.">
          <input
            id="opt-threshold"
            type="number"
            min={0.5}
            max={1}
            step={0.01}
            value={value.dedupe.threshold}
            disabled={!value.dedupe.near}
            onChange={(e) => dedupe('threshold', num(e.target.value, 0.9))}
          />
        </Field>
        <Field id="opt-on-error" label="On a bad record" hint="Skip reports the file and line and goes on; abort stops the file at the first one.">
          <select id="opt-on-error" value={value.onError} onChange={(e) => set('onError', e.target.value as 'skip' | 'abort')}>
            <option value="skip">skip and report</option>
            <option value="abort">abort</option>
          </select>
        </Field>
        <Field id="opt-max-mb" label="Largest file (MB)" hint="Bigger files (and .gz that expand past it) are refused; raise it for huge dumps.">
          <input id="opt-max-mb" type="number" min={1} value={value.maxFileMB} onChange={(e) => set('maxFileMB', num(e.target.value, 2048))} />
        </Field>
        <Field id="opt-reimport" label="Re-import" hint="Files already imported (same content) are skipped unless this is on.">
          <label className="check">
            <input id="opt-reimport" type="checkbox" checked={value.reimport} onChange={(e) => set('reimport', e.target.checked)} /> import again
          </label>
        </Field>
      </div>
      {problems.length > 0 && (
        <ul className="opt-problems" role="status">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </details>
  );
}
