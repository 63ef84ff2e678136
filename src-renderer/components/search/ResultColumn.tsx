// One retriever's top-k: rank, rank change against the reference (leftmost) column, score, the
// passage and its document. Clicking a hit opens it below; the same passage is marked in every column.
import type { SearchHit } from '../../../shared/api.js';
import type { ColumnResults } from './useRetrieverResults.js';
import { describeRankChange, formatRankChange, type RankChange } from './rank-changes.js';

interface Props {
  slot: number;
  name: string;
  results: ColumnResults;
  changes: Map<number, RankChange>;
  referenceName: string | null;
  selectedPassageId: number | null;
  onSelect: (hit: SearchHit) => void;
}

export function ResultColumn({ slot, name, results, changes, referenceName, selectedPassageId, onSelect }: Props) {
  const { response, answered, error } = results;
  return (
    <section className="scol" aria-label={`Results of ${name}`} data-slot={slot}>
      <header className="scol__head">
        <strong>{name}</strong>
        {response && answered && <span className="muted small" data-testid={`search-ms-${slot}`}>{response.milliseconds.toFixed(1)} ms</span>}
      </header>
      {error && <p className="error small">{error}</p>}
      {!answered && !error && <p className="muted small">Type a query above.</p>}
      {answered && response?.hits.length === 0 && <p className="muted small">No passages match.</p>}
      {answered && response && response.hits.length > 0 && (
        <ol className="scol__hits">
          {response.hits.map((hit) => {
            const change = changes.get(hit.passageId);
            return (
              <li key={hit.passageId}>
                <button
                  type="button"
                  className={`shit ${hit.passageId === selectedPassageId ? 'shit--selected' : ''}`}
                  data-passage-id={hit.passageId}
                  onClick={() => onSelect(hit)}
                >
                  <span className="shit__meta">
                    <span className="shit__rank">#{hit.rank}</span>
                    {change && referenceName && (
                      <span className={`rchange rchange--${change.kind}`} title={describeRankChange(change, referenceName)} data-rank-change={change.kind}>
                        {formatRankChange(change)}
                      </span>
                    )}
                    <span className="shit__score mono" title="score">
                      {hit.score.toFixed(4)}
                    </span>
                  </span>
                  <span className="shit__doc small">{hit.documentTitle ?? hit.sourcePath ?? `document ${hit.documentId}`}</span>
                  <span className="shit__text">{hit.text}</span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
