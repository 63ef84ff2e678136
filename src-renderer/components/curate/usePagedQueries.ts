// Queries for the virtualized curate table, fetched a page at a time as rows scroll into view.
// `version` bumps after every action: loaded pages are dropped and the visible ones re-fetched,
// so 300,000 queries cost only the pages the user looks at.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CurationQueryRow, QueryFilterInput } from '../../../shared/api.js';
import { attempt } from '../../api/call.js';
import { api } from '../../api/client.js';

export const QUERY_PAGE_SIZE = 200;

export interface PagedQueries {
  total: number | null;
  rowAt(index: number): CurationQueryRow | undefined;
  ensureRange(first: number, last: number): void;
  /** Replaces one loaded row in place (optimistic update after a single accept/reject/edit). */
  patch(id: number, change: Partial<CurationQueryRow>): void;
}

export function usePagedQueries(filter: QueryFilterInput, version: number): PagedQueries {
  const [total, setTotal] = useState<number | null>(null);
  const [, setTick] = useState(0);
  const pages = useRef(new Map<number, CurationQueryRow[]>());
  const requested = useRef(new Set<number>());
  const generation = useRef(0);
  const visible = useRef<[number, number]>([0, 0]);
  const key = JSON.stringify(filter);

  const fetchPage = useCallback(
    (page: number) => {
      if (requested.current.has(page)) return;
      requested.current.add(page);
      const gen = generation.current;
      const f = JSON.parse(key) as QueryFilterInput;
      void attempt(() => api.curation.listQueries({ filter: f, offset: page * QUERY_PAGE_SIZE, limit: QUERY_PAGE_SIZE })).then((res) => {
        if (gen !== generation.current || !res) return;
        pages.current.set(page, res.rows);
        setTotal(res.total);
        setTick((n) => n + 1);
      });
    },
    [key],
  );

  const ensureRange = useCallback(
    (first: number, last: number) => {
      visible.current = [first, last];
      for (let p = Math.floor(first / QUERY_PAGE_SIZE); p <= Math.floor(last / QUERY_PAGE_SIZE); p++) fetchPage(p);
    },
    [fetchPage],
  );

  useEffect(() => {
    generation.current++;
    // Keep showing the old rows until the new pages arrive (no flash of empty rows after an action).
    requested.current = new Set();
    const [first, last] = visible.current;
    const wanted = new Set<number>();
    for (let p = Math.floor(first / QUERY_PAGE_SIZE); p <= Math.floor(last / QUERY_PAGE_SIZE); p++) wanted.add(p);
    for (const p of [...pages.current.keys()]) if (!wanted.has(p)) pages.current.delete(p);
    fetchPage(0);
    for (const p of wanted) fetchPage(p);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, version]);

  useEffect(() => {
    pages.current = new Map();
    setTotal(null);
  }, [key]);

  const rowAt = useCallback((index: number) => pages.current.get(Math.floor(index / QUERY_PAGE_SIZE))?.[index % QUERY_PAGE_SIZE], []);
  const patch = useCallback((id: number, change: Partial<CurationQueryRow>) => {
    for (const rows of pages.current.values()) {
      const i = rows.findIndex((r) => r.id === id);
      if (i >= 0) rows[i] = { ...rows[i], ...change };
    }
    setTick((n) => n + 1);
  }, []);
  return { total, rowAt, ensureRange, patch };
}
