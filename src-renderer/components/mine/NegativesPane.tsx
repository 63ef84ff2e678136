// One mined query: its positive with CE(q, pos), then each sampled negative with its cross-encoder
// score, margin (CE(q, pos) − CE(q, neg): small or negative = the cross-encoder finds it as
// relevant as the positive, a likely false negative) and the rank each retriever gave it, with a
// button to drop it as a false negative or restore it.
import type { MinedNegative, MinedQuery } from '../../../shared/api.js';

const fmt = (x: number) => x.toFixed(3);

export function NegativesPane({ query, negatives, retrievers, onDrop }: { query: MinedQuery; negatives: MinedNegative[]; retrievers: string[]; onDrop: (passageId: number, dropped: boolean) => void }) {
  return (
    <div aria-label="Mined negatives">
      <h3 style={{ margin: '0 0 6px' }}>“{query.query}”</h3>
      <div className="mine__positive">
        <div className="small muted">Positive (passage {query.positiveId}) · CE {fmt(query.cePositive)}</div>
        {query.positive}
      </div>
      {negatives.length === 0 ? (
        <p className="muted">No negative was found for this query (every retrieved passage was its own or a copy of it).</p>
      ) : (
        <table className="mine__table">
          <thead>
            <tr>
              <th>Negative passage</th>
              <th className="num" title="Cross-encoder score of (query, negative), raw logit">CE</th>
              <th className="num" title="CE(query, positive) − CE(query, negative): the MarginMSE label">Margin</th>
              {retrievers.map((r) => (
                <th key={r} className="num" title={`Rank given by ${r}`}>
                  {r.replace(/ \(model \d+\)$/, '')}
                </th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {negatives.map((n) => (
              <tr key={n.passageId} className={n.dropped ? 'mine__dropped' : ''} data-testid="mined-negative">
                <td className="mine__passage">
                  {n.text}
                  {n.dropped && <div className="small muted">dropped ({n.droppedReason})</div>}
                </td>
                <td className="num">{fmt(n.ceScore)}</td>
                <td className={`num ${n.margin <= 0 ? 'mine__hard' : ''}`} title={n.margin <= 0 ? 'The cross-encoder scores this at least as high as the positive' : undefined}>
                  {fmt(n.margin)}
                </td>
                {retrievers.map((r, i) => (
                  <td key={r} className="num">
                    {n.ranks[i] ?? '—'}
                  </td>
                ))}
                <td>
                  <button className="button button--small" onClick={() => onDrop(n.passageId, !n.dropped)}>
                    {n.dropped ? 'Restore' : 'Drop'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
