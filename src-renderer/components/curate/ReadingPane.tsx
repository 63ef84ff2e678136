// The active query read together with its passage: the full query text, its status and every
// signal, and the passage with the query's words marked where they occur.
import { useMemo } from 'react';
import { SIGNAL_NAMES, type CurationQueryRow } from '../../../shared/services/curation.js';
import { Highlighted } from '../corpus/Highlighted.js';
import { queryTerms } from '../corpus/highlight.js';
import { formatSignal, SIGNAL_LABELS } from './signal-format.js';

export function ReadingPane({ row, position, total }: { row: CurationQueryRow | undefined; position: number; total: number }) {
  const terms = useMemo(() => queryTerms(row?.text ?? ''), [row?.text]);
  if (!row) {
    return (
      <section className="card creading" aria-label="Query and passage">
        <p className="muted">{total === 0 ? 'No query matches the filter.' : 'Loading the query…'}</p>
      </section>
    );
  }
  return (
    <section className="card creading" aria-label="Query and passage" data-query-id={row.id}>
      <div className="creading__head">
        <span className="muted small">
          Query {position + 1} of {total} · #{row.id} · {row.origin}
          {row.split === 'eval' ? ' · held out' : ''}
        </span>
        <span className={`badge cq__badge--${row.status}`}>{row.status}</span>
      </div>
      <p className="creading__query" data-testid="reading-query">
        {row.text}
      </p>
      {row.statusReason && <p className="muted small">reason: {row.statusReason}</p>}
      <h3 className="creading__label">Passage #{row.passageId}</h3>
      <p className="creading__passage" data-testid="reading-passage">
        <Highlighted text={row.passageText} terms={terms} />
      </p>
      <dl className="creading__signals">
        {SIGNAL_NAMES.map((s) => (
          <div key={s}>
            <dt>{SIGNAL_LABELS[s]}</dt>
            <dd className="mono">{formatSignal(s, row.signals[s])}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
