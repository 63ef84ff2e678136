// Virtualized passage table: only the visible rows (plus a few) exist in the DOM, and their pages
// are fetched as they come into view, so 100,000 passages scroll as smoothly as 100.
import type { PassageRow } from '../../../shared/api.js';
import { formatCount } from '../../format.js';
import type { PagedPassages } from '../../hooks/usePagedPassages.js';
import { Highlighted } from './Highlighted.js';
import type { SearchTerms } from './highlight.js';
import { usePagedVirtualRows } from '../../hooks/usePagedVirtualRows.js';

const ROW_HEIGHT = 58;

interface Props {
  paged: PagedPassages;
  terms: SearchTerms;
  selectedId: number | null;
  onSelect: (row: PassageRow) => void;
}

function baseName(path: string | null): string {
  if (!path) return '';
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1];
}

export function PassageTable({ paged, terms, selectedId, onSelect }: Props) {
  const { scroller, count, virtualizer, items } = usePagedVirtualRows(paged, ROW_HEIGHT, 12);

  return (
    <div className="ptable" role="table" aria-label="Passages" aria-rowcount={count}>
      <div className="ptable__head" role="row">
        <span role="columnheader" className="ptable__id">
          #
        </span>
        <span role="columnheader" className="ptable__doc">
          Document
        </span>
        <span role="columnheader" className="ptable__text">
          Passage
        </span>
        <span role="columnheader" className="ptable__tokens">
          Tokens
        </span>
      </div>
      <div className="ptable__scroll" ref={scroller} data-testid="passage-scroll">
        <div className="ptable__inner" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = paged.rowAt(item.index);
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 1}
                className={`ptable__row ${row && row.id === selectedId ? 'ptable__row--selected' : ''} ${item.index % 2 ? 'ptable__row--odd' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                tabIndex={row ? 0 : -1}
                data-passage-id={row?.id}
                onClick={() => row && onSelect(row)}
                onKeyDown={(e) => row && (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onSelect(row))}
              >
                {row ? (
                  <>
                    <span role="cell" className="ptable__id mono">
                      {row.id}
                    </span>
                    <span role="cell" className="ptable__doc" title={row.sourcePath ?? undefined}>
                      <span className="ptable__title">{row.title ?? baseName(row.sourcePath)}</span>
                      <span className="muted small">
                        doc {row.documentId} · §{row.ordinal + 1}
                      </span>
                    </span>
                    <span role="cell" className="ptable__text">
                      <Highlighted text={row.text} terms={terms} />
                    </span>
                    <span role="cell" className="ptable__tokens">
                      {row.tokenCount ?? '—'}
                      {row.duplicateOf !== null && (
                        <span className="badge badge--cancelled" title={`duplicate of passage ${row.duplicateOf}`}>
                          dup
                        </span>
                      )}
                    </span>
                  </>
                ) : (
                  <span role="cell" className="ptable__loading muted">
                    Loading row {formatCount(item.index + 1)}…
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
