// The curate table: one virtualized row per query, its status and reason and the main signal
// columns (the reading pane beside it shows the passage). Only visible rows exist in the DOM; their
// pages are fetched as they scroll in.
import { useEffect, useState } from 'react';
import type { CurationQueryRow } from '../../../shared/api.js';
import { Highlighted } from '../corpus/Highlighted.js';
import type { SearchTerms } from '../corpus/highlight.js';
import { formatSignal, SIGNAL_LABELS, TABLE_HEADERS, TABLE_SIGNALS } from './signal-format.js';
import type { PagedQueries } from './usePagedQueries.js';
import { usePagedVirtualRows } from '../../hooks/usePagedVirtualRows.js';

const ROW_HEIGHT = 64;

interface Props {
  paged: PagedQueries;
  terms: SearchTerms;
  active: number;
  selected: ReadonlySet<number>;
  editingId: number | null;
  onActivate(index: number): void;
  onToggleSelect(id: number): void;
  onEditDone(id: number, text: string | null): void;
}

function EditBox({ row, onDone }: { row: CurationQueryRow; onDone(text: string | null): void }) {
  const [text, setText] = useState(row.text);
  return (
    <input
      className="cq__edit"
      autoFocus
      aria-label="Edit query"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') onDone(text.trim() && text.trim() !== row.text ? text.trim() : null);
        if (e.key === 'Escape') onDone(null);
      }}
      onBlur={() => onDone(null)}
    />
  );
}

export function QueryTable({ paged, terms, active, selected, editingId, onActivate, onToggleSelect, onEditDone }: Props) {
  const { scroller, count, virtualizer, items } = usePagedVirtualRows(paged, ROW_HEIGHT, 10);
  useEffect(() => {
    if (count > 0) virtualizer.scrollToIndex(Math.min(active, count - 1), { align: 'auto' });
  }, [active, count, virtualizer]);

  return (
    <div className="cq" role="table" aria-label="Queries" aria-rowcount={count}>
      <div className="cq__head" role="row">
        <span className="cq__sel" />
        <span className="cq__text" role="columnheader">Query</span>
        <span className="cq__status" role="columnheader">Status</span>
        {TABLE_SIGNALS.map((s) => (
          <span key={s} className="cq__sig" role="columnheader" title={SIGNAL_LABELS[s]}>
            {TABLE_HEADERS[s] ?? SIGNAL_LABELS[s]}
          </span>
        ))}
      </div>
      <div className="cq__scroll" ref={scroller} data-testid="query-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = paged.rowAt(item.index);
            const classes = ['cq__row', item.index === active ? 'cq__row--active' : '', row ? `cq__row--${row.status}` : '', row && selected.has(row.id) ? 'cq__row--selected' : ''];
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 1}
                aria-selected={item.index === active}
                className={classes.join(' ')}
                data-query-id={row?.id}
                data-status={row?.status}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onActivate(item.index)}
              >
                {row ? (
                  <>
                    <span className="cq__sel" role="cell">
                      <input type="checkbox" aria-label={`Select query ${row.id}`} checked={selected.has(row.id)} onChange={() => onToggleSelect(row.id)} onClick={(e) => e.stopPropagation()} />
                    </span>
                    <span className="cq__text" role="cell">
                      {editingId === row.id ? (
                        <EditBox row={row} onDone={(t) => onEditDone(row.id, t)} />
                      ) : (
                        <span className="cq__qtext" title={row.text}>
                          <Highlighted text={row.text} terms={terms} />
                        </span>
                      )}
                      <span className="muted small">
                        #{row.id} · {row.origin}
                        {row.split === 'eval' ? ' · eval' : ''}
                      </span>
                    </span>
                    <span className="cq__status" role="cell">
                      <span className={`badge cq__badge--${row.status}`}>{row.status}</span>
                      {row.statusReason && <span className="muted small cq__reason" title={row.statusReason}>{row.statusReason}</span>}
                    </span>
                    {TABLE_SIGNALS.map((s) => (
                      <span key={s} className="cq__sig mono small" role="cell" title={s === 'nearDupCorpus' && row.nearDupOf ? `near-duplicate of query ${row.nearDupOf}` : undefined}>
                        {formatSignal(s, row.signals[s])}
                      </span>
                    ))}
                  </>
                ) : (
                  <span className="muted small">loading…</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
