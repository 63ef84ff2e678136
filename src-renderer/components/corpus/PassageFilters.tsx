// Search box and filters above the passage table.
import { useEffect, useState } from 'react';
import type { DocumentRow } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';
import type { PassageQuery } from '../../hooks/usePagedPassages.js';

interface Props {
  query: PassageQuery;
  onChange: (next: PassageQuery) => void;
  /** Re-read the document list when the corpus changes. */
  version: number;
}

const DOCUMENT_CHOICES = 1000;
const optionalInt = (s: string) => (s.trim() === '' || !Number.isFinite(Number(s)) ? undefined : Math.max(0, Math.floor(Number(s))));

export function PassageFilters({ query, onChange, version }: Props) {
  const [search, setSearch] = useState(query.search ?? '');
  const [docs, setDocs] = useState<{ total: number; rows: DocumentRow[] } | null>(null);
  useEffect(() => {
    void attempt(() => api.corpus.listDocuments({ limit: DOCUMENT_CHOICES })).then((d) => d && setDocs(d));
  }, [version]);
  // Typing is debounced: one query per pause, not per key.
  useEffect(() => {
    const t = setTimeout(() => {
      const next = search.trim() || undefined;
      if (next !== query.search) onChange({ ...query, search: next });
    }, 250);
    return () => clearTimeout(t);
  }, [search, query, onChange]);

  const selectedMissing = query.documentId !== undefined && !docs?.rows.some((d) => d.id === query.documentId);
  return (
    <div className="pfilters">
      <input
        type="search"
        className="pfilters__search"
        aria-label="Search passages"
        placeholder="Search passages (all words; the last one may be a prefix)"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <select
        aria-label="Document filter"
        value={query.documentId ?? ''}
        onChange={(e) => onChange({ ...query, documentId: e.target.value ? Number(e.target.value) : undefined })}
      >
        <option value="">All documents{docs ? ` (${docs.total.toLocaleString('en-US')})` : ''}</option>
        {selectedMissing && <option value={query.documentId}>Document {query.documentId}</option>}
        {docs?.rows.map((d) => (
          <option key={d.id} value={d.id}>
            {d.title ?? d.sourcePath?.split(/[\\/]/).pop() ?? `Document ${d.id}`} ({d.passageCount})
          </option>
        ))}
      </select>
      <label className="pfilters__range">
        Tokens
        <input
          type="number"
          min={0}
          aria-label="Minimum tokens"
          placeholder="min"
          value={query.minTokens ?? ''}
          onChange={(e) => onChange({ ...query, minTokens: optionalInt(e.target.value) })}
        />
        –
        <input
          type="number"
          min={0}
          aria-label="Maximum tokens"
          placeholder="max"
          value={query.maxTokens ?? ''}
          onChange={(e) => onChange({ ...query, maxTokens: optionalInt(e.target.value) })}
        />
      </label>
      <select aria-label="Duplicates filter" value={query.duplicates} onChange={(e) => onChange({ ...query, duplicates: e.target.value as PassageQuery['duplicates'] })}>
        <option value="all">with duplicates</option>
        <option value="hide">hide duplicates</option>
        <option value="only">only duplicates</option>
      </select>
    </div>
  );
}
