// A virtualized list over a paged source: renders only the visible rows (fixed height) and asks
// the source to load the pages those rows fall in. Used by the Corpus and Curate tables.
import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';

export interface PagedRows {
  total: number | null;
  ensureRange(first: number, last: number): void;
}

export function usePagedVirtualRows(paged: PagedRows, rowHeight: number, overscan: number) {
  const scroller = useRef<HTMLDivElement>(null);
  const count = paged.total ?? 0;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { ensureRange } = paged;
  useEffect(() => {
    if (count > 0) ensureRange(first, last);
  }, [ensureRange, first, last, count]);
  return { scroller, count, virtualizer, items };
}
