// The mined queries of a run, likeliest false negatives first (smallest kept margin), paged, with
// a text filter; clicking one selects it.
import type { MinedQuery } from '../../../shared/api.js';
import { formatCount } from '../../format.js';

export const PAGE = 50;

export function MinedQueries({ rows, total, offset, selected, search, onSearch, onSelect, onPage }: {
  rows: MinedQuery[];
  total: number;
  offset: number;
  selected: number | null;
  search: string;
  onSearch: (s: string) => void;
  onSelect: (q: MinedQuery) => void;
  onPage: (offset: number) => void;
}) {
  return (
    <div>
      <input type="search" placeholder="Filter queries…" aria-label="Filter mined queries" value={search} onChange={(e) => onSearch(e.target.value)} style={{ width: '100%', marginBottom: 6 }} />
      <table className="mine__table">
        <thead>
          <tr>
            <th>Query</th>
            <th className="num" title="Kept / mined negatives">Negatives</th>
            <th className="num" title="Smallest margin among kept negatives">Min margin</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((q) => (
            <tr key={q.queryId} className={`mine__row ${q.queryId === selected ? 'mine__row--selected' : ''}`} onClick={() => onSelect(q)} data-testid="mined-query">
              <td>{q.query}</td>
              <td className="num">
                {q.negatives - q.dropped}/{q.negatives}
              </td>
              <td className={`num ${q.minMargin !== null && q.minMargin <= 0 ? 'mine__hard' : ''}`}>{q.minMargin === null ? '—' : q.minMargin.toFixed(3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mine__pager small">
        <button className="button button--small" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - PAGE))}>
          ← Previous
        </button>
        <span>
          {total === 0 ? 'none' : `${formatCount(offset + 1)}–${formatCount(Math.min(total, offset + rows.length))} of ${formatCount(total)}`}
        </span>
        <button className="button button--small" disabled={offset + PAGE >= total} onClick={() => onPage(offset + PAGE)}>
          Next →
        </button>
      </div>
    </div>
  );
}
