// Passages for the virtualized table: the service is paged (offset/limit), so rows are fetched a
// page at a time as they scroll into view and kept until the query changes. 100,000 rows cost
// only the pages the user actually looks at.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PassageRow } from '../../shared/api.js';
import { attempt } from '../api/call.js';
import { api } from '../api/client.js';

export const PASSAGE_PAGE_SIZE = 200;

export interface PassageQuery {
  search?: string;
  documentId?: number;
  minTokens?: number;
  maxTokens?: number;
  duplicates: 'all' | 'hide' | 'only';
}

export interface PagedPassages {
  /** null until the first page answers. */
  total: number | null;
  rowAt(index: number): PassageRow | undefined;
  /** Fetches the pages covering rows [first, last] that are not loaded yet. */
  ensureRange(first: number, last: number): void;
}

/** `version` changes when the corpus changes (an import finished): everything is re-fetched. */
export function usePagedPassages(query: PassageQuery, version: number): PagedPassages {
  const [total, setTotal] = useState<number | null>(null);
  const [, setLoadedCount] = useState(0); // re-render when a page arrives
  const pages = useRef(new Map<number, PassageRow[]>());
  const requested = useRef(new Set<number>());
  const generation = useRef(0);
  const key = JSON.stringify(query);

  const fetchPage = useCallback(
    (page: number) => {
      if (requested.current.has(page)) return;
      requested.current.add(page);
      const gen = generation.current;
      const q = JSON.parse(key) as PassageQuery;
      void attempt(() => api.corpus.listPassages({ ...q, offset: page * PASSAGE_PAGE_SIZE, limit: PASSAGE_PAGE_SIZE })).then((res) => {
        if (gen !== generation.current || !res) return; // a newer query replaced this one, or it failed (toasted)
        pages.current.set(page, res.rows);
        setTotal(res.total);
        setLoadedCount((n) => n + 1);
      });
    },
    [key],
  );

  useEffect(() => {
    generation.current++;
    pages.current = new Map();
    requested.current = new Set();
    setTotal(null);
    fetchPage(0);
  }, [fetchPage, version]);

  const rowAt = useCallback((index: number) => pages.current.get(Math.floor(index / PASSAGE_PAGE_SIZE))?.[index % PASSAGE_PAGE_SIZE], []);
  const ensureRange = useCallback(
    (first: number, last: number) => {
      for (let p = Math.floor(first / PASSAGE_PAGE_SIZE); p <= Math.floor(last / PASSAGE_PAGE_SIZE); p++) fetchPage(p);
    },
    [fetchPage],
  );
  return { total, rowAt, ensureRange };
}
